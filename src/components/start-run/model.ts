/**
 * The start-run form as data: a definition's `userInputs` schema becomes a list of fields, the
 * form's values are checked and turned into the JSON the API takes. Pure, so it is unit-tested.
 */

export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'json';

export interface InputField {
  name: string;
  label: string;
  description: string | null;
  kind: FieldKind;
  required: boolean;
  /** Only for `enum`: the allowed values (shown as text, sent with their JSON type). */
  options: unknown[];
}

/** What a form control holds: text for text, numbers and JSON; a flag for booleans. */
export type FieldValue = string | boolean;
export type FormValues = Record<string, FieldValue>;
export type FieldErrors = Record<string, string>;

export interface UserInputs {
  properties?: Record<string, unknown>;
  required?: unknown;
  /** Port's optional display order of the inputs. */
  order?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(property: Record<string, unknown>): FieldKind {
  if (Array.isArray(property.enum) && property.enum.length > 0) return 'enum';
  switch (property.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
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
  const required = new Set(
    Array.isArray(userInputs?.required)
      ? userInputs.required.filter((r): r is string => typeof r === 'string')
      : [],
  );
  return orderedNames(Object.keys(properties), userInputs?.order, required).map((name) => {
    const raw = properties[name];
    const property = isRecord(raw) ? raw : {};
    const kind = kindOf(property);
    return {
      name,
      label: typeof property.title === 'string' && property.title ? property.title : name,
      description: typeof property.description === 'string' ? property.description : null,
      kind,
      required: required.has(name),
      options: kind === 'enum' ? (property.enum as unknown[]) : [],
    };
  });
}

/** How an enum value is shown and told apart in a Select (whose values are strings). */
export const optionKey = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value);

function initialValue(field: InputField, fallback: unknown): FieldValue {
  if (field.kind === 'boolean') return fallback === true;
  if (fallback === undefined) return '';
  if (field.kind === 'json') return JSON.stringify(fallback, null, 2);
  if (field.kind === 'enum') return optionKey(fallback);
  return String(fallback);
}

/** The controls' starting values: each property's `default`, else empty (or off). */
export function initialValues(
  fields: InputField[],
  properties: Record<string, unknown> | undefined,
): FormValues {
  return Object.fromEntries(
    fields.map((field) => {
      const property = properties?.[field.name];
      return [field.name, initialValue(field, isRecord(property) ? property.default : undefined)];
    }),
  );
}

type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

function coerce(field: InputField, value: FieldValue): Coerced | null {
  if (field.kind === 'boolean') return { ok: true, value: value === true };
  const text = typeof value === 'string' ? value : '';
  if (text.trim() === '') return null;
  switch (field.kind) {
    case 'string':
      return { ok: true, value: text };
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
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch (err) {
        return { ok: false, error: `Not valid JSON: ${(err as Error).message}` };
      }
  }
}

export type FormResult =
  { ok: true; inputs: Record<string, unknown> } | { ok: false; errors: FieldErrors };

/** The inputs to send, or one message per field that is missing or malformed. Empty optional fields are left out. */
export function inputsFromForm(fields: InputField[], values: FormValues): FormResult {
  const inputs: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const field of fields) {
    const coerced = coerce(field, values[field.name] ?? '');
    if (coerced === null) {
      if (field.required) errors[field.name] = `${field.label} is required`;
    } else if (coerced.ok) {
      inputs[field.name] = coerced.value;
    } else {
      errors[field.name] = coerced.error;
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

/** DAY-2 and DELETE actions act on an existing entity, so the API needs one. */
export const entityRequired = (operation: string | undefined) =>
  operation === 'DAY-2' || operation === 'DELETE';

interface TriggerNode {
  config: { type: string; [key: string]: unknown };
}

/** A workflow's inputs schema: its self-serve trigger's `userInputs`, if it has one. */
export function workflowUserInputs(nodes: TriggerNode[]): UserInputs | null {
  const trigger = nodes.find((n) => n.config.type === 'SELF_SERVE_TRIGGER');
  const userInputs = trigger?.config.userInputs;
  return isRecord(userInputs) ? userInputs : null;
}
