import {
  createJsonSchemaValidator,
  describeSchemaError,
  inputDefault,
  requiredInputs,
  type ValidateFunction,
} from '../../contract/json-schema';
import { invalid } from './errors';

/**
 * A definition's `userInputs` (`{properties, required?, order?}`, Port's shape) checked against
 * the inputs of a run, with the JSON Schema validator the dashboard's start forms use.
 */

const ajv = createJsonSchemaValidator();
/** Compiled validators by schema text: a definition version compiles once; bounded, oldest out. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 200;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON schema of the inputs object: only `properties` and `required` of Port's userInputs,
 * a disabled input never required (`requiredInputs`).
 */
function objectSchema(userInputs: unknown) {
  const u = isRecord(userInputs) ? userInputs : {};
  const properties = isRecord(u.properties) ? u.properties : {};
  return {
    type: 'object',
    properties,
    ...(Array.isArray(u.required) ? { required: requiredInputs(properties, u.required) } : {}),
  };
}

function validatorFor(userInputs: unknown, what: string): ValidateFunction {
  const schema = objectSchema(userInputs);
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached) return cached;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw invalid(
      `The ${what}'s userInputs are not a valid JSON schema (${(err as Error).message}); update the ${what}`,
    );
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, validate);
  return validate;
}

/**
 * The inputs' first breaks of the schema as one sentence naming each input, e.g.
 * `inputs.version must be a version like 1.2.3`; null when they conform.
 * `what` names the definition in the message when its schema itself is broken.
 */
export function inputsProblem(
  userInputs: unknown,
  inputs: Record<string, unknown>,
  root: string,
  what: 'action' | 'workflow',
): string | null {
  const validate = validatorFor(userInputs, what);
  if (validate(inputs)) return null;
  const messages = [...new Set((validate.errors ?? []).map((e) => describeSchemaError(e, root)))];
  return messages.join('; ');
}

export function assertInputsValid(
  userInputs: unknown,
  inputs: Record<string, unknown>,
  root: string,
  what: 'action' | 'workflow',
) {
  const problem = inputsProblem(userInputs, inputs, root, what);
  if (problem) throw invalid(problem);
}

/**
 * The inputs of a run with each absent input's default filled in (`inputDefault`: Port's
 * `default`, not a jq one nor a disabled input's), as the dashboard's start form fills them: a run
 * started over the API gets the values a person starting it in the dashboard would, so a
 * workflow's template reading an optional input with a default (`{{ .outputs.trigger.region }}`)
 * has it. The given object is not changed.
 */
export function withInputDefaults(
  userInputs: unknown,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const properties =
    isRecord(userInputs) && isRecord(userInputs.properties) ? userInputs.properties : {};
  let filled: Record<string, unknown> | null = null;
  for (const [name, property] of Object.entries(properties)) {
    const value = inputDefault(property);
    if (value === undefined || Object.hasOwn(inputs, name)) continue;
    filled ??= { ...inputs };
    filled[name] = structuredClone(value);
  }
  return filled ?? inputs;
}

/** An input that names entities of a blueprint (`format: entity`, alone or as array items). */
export interface EntityReference {
  path: string;
  blueprint: string;
  identifiers: string[];
}

/**
 * The entity identifiers the inputs name through `format: entity` properties (Port: the input's
 * `blueprint`), so the caller can check they exist. Values of the wrong type are the schema's
 * business and are skipped here.
 */
export function entityReferences(
  userInputs: unknown,
  inputs: Record<string, unknown>,
  root: string,
): EntityReference[] {
  const properties =
    isRecord(userInputs) && isRecord(userInputs.properties) ? userInputs.properties : {};
  const refs: EntityReference[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    if (!isRecord(raw)) continue;
    const value = inputs[name];
    const items = isRecord(raw.items) ? raw.items : null;
    if (raw.format === 'entity' && typeof raw.blueprint === 'string' && typeof value === 'string') {
      refs.push({ path: `${root}.${name}`, blueprint: raw.blueprint, identifiers: [value] });
    } else if (raw.type === 'array' && items?.format === 'entity' && Array.isArray(value)) {
      const blueprint = typeof items.blueprint === 'string' ? items.blueprint : raw.blueprint;
      if (typeof blueprint !== 'string') continue;
      const identifiers = value.filter((v): v is string => typeof v === 'string');
      refs.push({ path: `${root}.${name}`, blueprint, identifiers });
    }
  }
  return refs;
}

/** Port's wording for an entity input naming an entity that does not exist. */
export const missingEntityProblem = (ref: EntityReference, identifier: string) =>
  `${ref.path} must name an existing entity of blueprint "${ref.blueprint}"; "${identifier}" does not exist`;
