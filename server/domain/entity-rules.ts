import type { BlueprintRelation } from '../../contract/actions';
import {
  createJsonSchemaValidator,
  describeSchemaError,
  type ValidateFunction,
} from '../../contract/json-schema';
import { invalid, notFound } from './errors';

/** Port's rules for an entity against its blueprint: properties, relations, team. Pure. */

export interface BlueprintShape {
  identifier: string;
  schema: { properties?: Record<string, unknown>; required?: string[] };
  relations: Record<string, BlueprintRelation>;
}

type RelationValue = string | string[] | null;

const ajv = createJsonSchemaValidator();
const compiled = new Map<string, ValidateFunction>();

function validatorOf(schema: BlueprintShape['schema']): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({
      type: 'object',
      properties: schema.properties ?? {},
      required: schema.required ?? [],
    });
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

/** `team` as sent (a string, an array, null or absent) as stored: always an array. */
export const teamArray = (team: string | string[] | null | undefined): string[] =>
  team == null ? [] : Array.isArray(team) ? team : [team];

/** A property schema's `default`, filled in where a new entity leaves the property out (Port). */
export function withDefaults(
  schema: BlueprintShape['schema'],
  properties: Record<string, unknown>,
): Record<string, unknown> {
  const filled = { ...properties };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const dflt = (prop as { default?: unknown }).default;
    if (filled[key] === undefined && dflt !== undefined) filled[key] = dflt;
  }
  return filled;
}

/**
 * Checks properties against the blueprint's JSON schema (422 naming the property and the rule).
 * A null value counts as not set, as in Port.
 */
export function checkProperties(blueprint: BlueprintShape, properties: Record<string, unknown>) {
  const set = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null));
  const validate = validatorOf(blueprint.schema);
  if (validate(set)) return;
  const problems = (validate.errors ?? []).map((e) => describeSchemaError(e, 'properties'));
  throw invalid(
    `Entity does not match the schema of blueprint "${blueprint.identifier}": ${[...new Set(problems)].join('; ')}`,
  );
}

/**
 * Checks relations against the blueprint's: every key must be one of its relations (404, as
 * Port), a `many` relation takes an array and the others one identifier, and a required
 * relation must be set. Returns the target identifiers per target blueprint.
 */
export function checkRelations(
  blueprint: BlueprintShape,
  relations: Record<string, RelationValue>,
): Map<string, Set<string>> {
  const targets = new Map<string, Set<string>>();
  for (const [key, value] of Object.entries(relations)) {
    const relation = blueprint.relations[key];
    if (!relation) {
      throw notFound(`Relation "${key}" of blueprint "${blueprint.identifier}"`);
    }
    if (value === null) continue;
    if (relation.many && !Array.isArray(value)) {
      throw invalid(
        `relations.${key}: relation "${key}" is many, so its value must be an array of identifiers`,
      );
    }
    if (!relation.many && Array.isArray(value)) {
      throw invalid(
        `relations.${key}: relation "${key}" is not many, so its value must be one identifier`,
      );
    }
    const ids = targets.get(relation.target) ?? new Set<string>();
    for (const id of Array.isArray(value) ? value : [value]) ids.add(id);
    targets.set(relation.target, ids);
  }
  for (const [key, relation] of Object.entries(blueprint.relations)) {
    const value = relations[key];
    const empty = value == null || (Array.isArray(value) && value.length === 0);
    if (relation.required && empty) {
      throw invalid(`relations.${key}: relation "${key}" is required`);
    }
  }
  return targets;
}

/** Blueprints whose entities `create_missing_related_entities` never creates (Port). */
export const NEVER_CREATED = new Set(['_team', '_user']);

/** The part of an entity that Port's `include` / `exclude` (dotted paths) leave. */
export function projectEntity(
  entity: Record<string, unknown>,
  include: string[] | undefined,
  exclude: string[] | undefined,
): Record<string, unknown> {
  let view: Record<string, unknown>;
  if (include && include.length > 0) {
    view = {};
    for (const path of include) copyPath(entity, view, path.split('.'));
  } else {
    view = structuredClone(entity);
  }
  for (const path of exclude ?? []) dropPath(view, path.split('.'));
  return view;
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, path: string[]) {
  const [head, ...rest] = path;
  if (head === undefined || !(head in from)) return;
  const value = from[head];
  if (rest.length === 0) {
    to[head] = structuredClone(value);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const child = (to[head] ??= {}) as Record<string, unknown>;
  copyPath(value as Record<string, unknown>, child, rest);
}

function dropPath(view: Record<string, unknown>, path: string[]) {
  const [head, ...rest] = path;
  if (head === undefined || !(head in view)) return;
  if (rest.length === 0) {
    delete view[head];
    return;
  }
  const child = view[head];
  if (typeof child === 'object' && child !== null && !Array.isArray(child)) {
    dropPath(child as Record<string, unknown>, rest);
  }
}
