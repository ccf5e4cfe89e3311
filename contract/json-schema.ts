/**
 * The one JSON Schema validator of server and dashboard (ajv with ajv-formats). Port's own input
 * formats (`entity`, `user`, `team`, …) name pickers rather than string rules, so they are
 * registered as formats that accept any string: ajv's strict mode would otherwise refuse the
 * schema.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Formats Port defines for user inputs and entity properties that have no string rule of their own. */
export const PORT_FORMATS = [
  'entity',
  'user',
  'team',
  'yaml',
  'markdown',
  'multi-line',
  'proto',
  'timer',
  'color',
  'icon',
  'url',
  'ipv4',
  'ipv6',
] as const;

export function createJsonSchemaValidator(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
  addFormats(ajv);
  for (const format of PORT_FORMATS) {
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
  return ajv;
}

export type { ErrorObject, ValidateFunction };

/**
 * Patterns people write for common values, said in words: ajv's `must match pattern "^\d+…$"`
 * asks a person to read a regular expression. Other patterns keep ajv's message, since the
 * pattern is then the only statement of the rule.
 */
const VERSION = 'must be a version like 1.2.3';
const PATTERN_WORDS = new Map<string, string>([
  ['^\\d+\\.\\d+\\.\\d+$', VERSION],
  ['^[0-9]+\\.[0-9]+\\.[0-9]+$', VERSION],
  ['^v?\\d+\\.\\d+\\.\\d+$', VERSION],
]);

/** What ajv's error says is wrong, in words a person reads (the part after the input's name). */
export function schemaErrorWords(error: ErrorObject): string {
  if (error.keyword === 'pattern') {
    const words = PATTERN_WORDS.get(String((error.params as { pattern?: unknown }).pattern));
    if (words) return words;
  }
  return error.message ?? 'is not valid';
}

/** A person-readable sentence for one ajv error, naming the input it is about. */
export function describeSchemaError(error: ErrorObject, root = ''): string {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing =
    error.keyword === 'required'
      ? String((error.params as { missingProperty?: string }).missingProperty)
      : null;
  const name = [root, ...path, ...(missing ? [missing] : [])].filter(Boolean).join('.');
  if (missing) return `${name} is required`;
  const message = `${name || 'value'} ${schemaErrorWords(error)}`;
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  // ajv only says "one of the allowed values": name them, so the person knows what to send.
  return error.keyword === 'enum' && Array.isArray(allowed)
    ? `${message}: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    : message;
}

/**
 * The value an input of Port's `userInputs` starts with when none is given: its `default`, but
 * not a jq default (`{jqQuery}`: Port's UI computes it from the form's context) nor a `disabled`
 * input's (Port leaves disabled inputs out of the submitted data). One rule for the dashboard's
 * start form and the server's defaults of a run started over the API.
 */
export function inputDefault(property: unknown): unknown {
  if (isDisabledInput(property)) return undefined;
  return declaredDefault(property);
}

/** An input's `default` as declared, unless it is a jq one (`{jqQuery}`). */
export function declaredDefault(property: unknown): unknown {
  if (typeof property !== 'object' || property === null || Array.isArray(property))
    return undefined;
  const { default: value } = property as { default?: unknown };
  if (typeof value === 'object' && value !== null && 'jqQuery' in value) return undefined;
  return value;
}

/** A `disabled: true` input: shown, not editable, left out of the submitted data. */
export const isDisabledInput = (property: unknown) =>
  typeof property === 'object' &&
  property !== null &&
  (property as { disabled?: unknown }).disabled === true;

/**
 * The names of `userInputs.required` a run's inputs must hold: every one but the disabled inputs.
 * Port: "disabled inputs are excluded from the submitted data and from required validation", so a
 * required input a person cannot fill never blocks a start, with or without a default. One rule
 * for the dashboard's start form and the server's check of a run's inputs.
 */
export function requiredInputs(properties: unknown, required: unknown): string[] {
  if (!Array.isArray(required)) return [];
  const props =
    typeof properties === 'object' && properties !== null && !Array.isArray(properties)
      ? (properties as Record<string, unknown>)
      : {};
  return required.filter(
    (name): name is string =>
      typeof name === 'string' && !(Object.hasOwn(props, name) && isDisabledInput(props[name])),
  );
}
