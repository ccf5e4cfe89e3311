/**
 * The start-run form as data: a definition's `userInputs` schema becomes a list of fields, the
 * form's values are turned into the JSON the API takes and checked against the schema with the
 * validator the server uses (contract/json-schema.ts). Pure, so it is unit-tested.
 */
import {
  createJsonSchemaValidator,
  declaredDefault,
  inputDefault,
  isDisabledInput,
  requiredInputs,
  schemaErrorWords,
  type ErrorObject,
  type ValidateFunction,
} from '../../../contract/json-schema';
import { isoFromPicker, pickerFromIso } from '../../lib/dates';
import type { UserInputs } from './definitions';

export type { UserInputs } from './definitions';

export type FieldKind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'multi-enum'
  | 'entity'
  | 'multi-entity'
  | 'user'
  | 'date-time'
  | 'tags'
  | 'json';

export interface InputField {
  name: string;
  label: string;
  description: string | null;
  kind: FieldKind;
  required: boolean;
  /** Port's `disabled`: shown with its declared default, not editable, never sent nor required. */
  disabled: boolean;
  /** `enum` and `multi-enum`: the allowed values (shown as text, sent with their JSON type). */
  options: unknown[];
  /** `entity` and `multi-entity`: the blueprint whose entities may be picked. */
  blueprint: string | null;
  /** `number`: whole numbers only (`type: integer`). */
  integer: boolean;
  /** The property's schema as declared, which the values are checked against. */
  property: Record<string, unknown>;
}

/** What a form control holds: text for text, numbers, dates and JSON; a flag; a list of picks. */
export type FieldValue = string | boolean | string[];
export type FormValues = Record<string, FieldValue>;
export type FieldErrors = Record<string, string>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const hasEnum = (p: Record<string, unknown>) => Array.isArray(p.enum) && p.enum.length > 0;

function kindOf(property: Record<string, unknown>): FieldKind {
  if (hasEnum(property)) return 'enum';
  if (property.format === 'entity' && typeof property.blueprint === 'string') return 'entity';
  if (property.format === 'user') return 'user';
  if (property.format === 'date-time') return 'date-time';
  switch (property.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = isRecord(property.items) ? property.items : {};
      if (hasEnum(items)) return 'multi-enum';
      if (
        items.format === 'entity' &&
        typeof (items.blueprint ?? property.blueprint) === 'string'
      ) {
        return 'multi-entity';
      }
      return items.type === 'string' && items.format === undefined ? 'tags' : 'json';
    }
    default:
      return 'json';
  }
}

function blueprintOf(property: Record<string, unknown>, kind: FieldKind): string | null {
  const items = isRecord(property.items) ? property.items : {};
  const blueprint =
    kind === 'multi-entity' ? (items.blueprint ?? property.blueprint) : property.blueprint;
  return (kind === 'entity' || kind === 'multi-entity') && typeof blueprint === 'string'
    ? blueprint
    : null;
}

/**
 * Port's `order` first; then required inputs, then the rest. The properties' own key order is no
 * guide: the database stores them as jsonb, which reorders keys.
 */
function orderedNames(names: string[], order: unknown, required: Set<string>): string[] {
  const listed = Array.isArray(order)
    ? order.filter((n): n is string => typeof n === 'string' && names.includes(n))
    : [];
  const rest = names.filter((n) => !listed.includes(n));
  return [...new Set([...listed, ...rest.filter((n) => required.has(n)), ...rest])];
}

/** The form's fields (see orderedNames); `null` when there is no schema (a JSON editor then). */
export function fieldsFromUserInputs(
  userInputs: UserInputs | null | undefined,
): InputField[] | null {
  const properties = userInputs?.properties;
  if (!isRecord(properties) || Object.keys(properties).length === 0) return null;
  const required = new Set(requiredInputs(properties, userInputs?.required));
  return orderedNames(Object.keys(properties), userInputs?.order, required).map((name) => {
    const raw = properties[name];
    const property = isRecord(raw) ? raw : {};
    const kind = kindOf(property);
    const items = isRecord(property.items) ? property.items : {};
    return {
      name,
      label: typeof property.title === 'string' && property.title ? property.title : name,
      description: typeof property.description === 'string' ? property.description : null,
      kind,
      required: required.has(name),
      disabled: isDisabledInput(property),
      options:
        kind === 'enum'
          ? (property.enum as unknown[])
          : kind === 'multi-enum'
            ? (items.enum as unknown[])
            : [],
      blueprint: blueprintOf(property, kind),
      integer: property.type === 'integer',
      property,
    };
  });
}

/** How an enum value is shown and told apart in a Select (whose values are strings). */
export const optionKey = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value);

const MULTI: FieldKind[] = ['multi-enum', 'multi-entity', 'tags'];
const isMulti = (field: InputField) => MULTI.includes(field.kind);

function initialValue(field: InputField, fallback: unknown): FieldValue {
  if (field.kind === 'boolean') return fallback === true;
  if (isMulti(field)) {
    return Array.isArray(fallback)
      ? fallback.map((v) => (field.kind === 'multi-enum' ? optionKey(v) : String(v)))
      : [];
  }
  if (fallback === undefined) return '';
  if (field.kind === 'json') return JSON.stringify(fallback, null, 2);
  if (field.kind === 'enum') return optionKey(fallback);
  if (field.kind === 'date-time' && typeof fallback === 'string') return pickerFromIso(fallback);
  return String(fallback);
}

/**
 * The controls' starting values: the given inputs (a re-run's, to edit), else each property's
 * default (`inputDefault`: the server fills the same ones in for a run started over the API), else
 * empty (or off).
 */
export function initialValues(
  fields: InputField[],
  properties: Record<string, unknown> | undefined,
  given: Record<string, unknown> = {},
): FormValues {
  return Object.fromEntries(
    fields.map((field) => {
      const property = properties?.[field.name];
      // A disabled input shows its default although it is not sent (Port's form does too).
      const fallback = field.disabled ? declaredDefault(property) : inputDefault(property);
      return [field.name, initialValue(field, given[field.name] ?? fallback)];
    }),
  );
}

type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

function coerceList(field: InputField, values: string[]): Coerced | null {
  if (values.length === 0) return null;
  if (field.kind !== 'multi-enum') return { ok: true, value: values };
  const picked = values.map((v) => field.options.find((o) => optionKey(o) === v));
  return picked.includes(undefined)
    ? { ok: false, error: 'Pick only the listed values' }
    : { ok: true, value: picked };
}

function coerce(field: InputField, value: FieldValue): Coerced | null {
  if (field.kind === 'boolean') return { ok: true, value: value === true };
  if (isMulti(field)) return coerceList(field, Array.isArray(value) ? value : []);
  const text = typeof value === 'string' ? value : '';
  if (text.trim() === '') return null;
  switch (field.kind) {
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'Enter a number' };
    }
    case 'enum': {
      const match = field.options.find((o) => optionKey(o) === text);
      return match === undefined
        ? { ok: false, error: 'Pick one of the listed values' }
        : { ok: true, value: match };
    }
    case 'date-time': {
      const iso = isoFromPicker(text);
      return iso ? { ok: true, value: iso } : { ok: false, error: 'Pick a date and time' };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch (err) {
        return { ok: false, error: `Not valid JSON: ${(err as Error).message}` };
      }
    default:
      return { ok: true, value: text };
  }
}

const ajv = createJsonSchemaValidator();
const compiled = new Map<string, ValidateFunction | Error>();

/** The fields' schema compiled once per schema text; an Error when it does not compile. */
function validatorFor(fields: InputField[]): ValidateFunction | Error {
  const schema = {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, f.property])),
    required: fields.filter((f) => f.required).map((f) => f.name),
  };
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      validate = err instanceof Error ? err : new Error(String(err));
    }
    compiled.set(key, validate);
  }
  return validate;
}

/** One schema error as the form shows it under its field: "Version must be a version like 1.2.3". */
function fieldError(error: ErrorObject, fields: InputField[]): [string, string] | null {
  const path = error.instancePath.split('/').filter(Boolean);
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const name = error.keyword === 'required' && path.length === 0 ? missing : path[0];
  const field = fields.find((f) => f.name === name);
  if (!field) return null;
  if (error.keyword === 'required' && path.length === 0)
    return [field.name, `${field.label} is required`];
  const rest = path.slice(1).map((p) => (/^\d+$/.test(p) ? `item ${Number(p) + 1}` : p));
  return [field.name, [field.label, ...rest, schemaErrorWords(error)].join(' ')];
}

export type FormResult =
  { ok: true; inputs: Record<string, unknown> } | { ok: false; errors: FieldErrors };

/**
 * The inputs to send, or one message per field that is missing, malformed or breaks the schema
 * (pattern, minimum/maximum, lengths, enum, format…). Empty optional fields are left out.
 */
export function inputsFromForm(fields: InputField[], values: FormValues): FormResult {
  const inputs: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const field of fields) {
    if (field.disabled) continue;
    const coerced = coerce(field, values[field.name] ?? '');
    if (coerced === null) {
      if (field.required) errors[field.name] = `${field.label} is required`;
    } else if (coerced.ok) {
      inputs[field.name] = coerced.value;
    } else {
      errors[field.name] = coerced.error;
    }
  }
  const validate = validatorFor(fields);
  // A schema that does not compile is the server's to refuse, with its message.
  if (!(validate instanceof Error) && !validate(inputs)) {
    for (const error of validate.errors ?? []) {
      const found = fieldError(error, fields);
      if (found && !errors[found[0]]) errors[found[0]] = found[1];
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, inputs };
}

export type JsonObjectResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** The JSON editor's text as the inputs object; empty text means no inputs. */
export function parseJsonObject(text: string): JsonObjectResult {
  if (text.trim() === '') return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${(err as Error).message}` };
  }
  return isRecord(parsed)
    ? { ok: true, value: parsed }
    : { ok: false, error: 'The inputs must be an object, e.g. {"key": "value"}' };
}
