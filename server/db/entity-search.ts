import { and, asc, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { SEARCH_OPERATORS, type SearchGroup, type SearchRule } from '../../contract/entities';
import { invalid } from '../domain/errors';
import { presetRange } from '../domain/search-dates';
import type { DbOrTx } from './client';
import { entities } from './schema';

/**
 * Port's search rules compiled to one SQL condition on `entities`. Equality and membership on
 * properties, relations and teams compile to JSONB containment (`@>`), which the GIN indexes
 * (jsonb_path_ops) answer; meta-properties compile to their columns.
 */

/** A relation of some blueprint: the key, the blueprint that has it, and its target. */
export interface RelationRef {
  blueprint: string;
  relation: string;
  target: string;
  required: boolean;
}

interface Ctx {
  now: Date;
  relations: RelationRef[];
}

type Scalar = string | number | boolean;

const META_COLUMNS = {
  $identifier: entities.identifier,
  $title: entities.title,
  $blueprint: entities.blueprint,
  $icon: entities.icon,
  $createdBy: entities.createdBy,
  $updatedBy: entities.updatedBy,
} as const;
const META_DATES = { $createdAt: entities.createdAt, $updatedAt: entities.updatedAt } as const;

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
/** `col IN (…)`: drizzle renders an array parameter as a parenthesised list. */
const inList = (col: SQL | AnyPgColumn, values: string[]) =>
  values.length > 0 ? sql`${col} IN ${values}` : sql`false`;
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function ruleProblem(property: string, operator: string, what: string) {
  return invalid(`Search rule on "${property}" with operator "${operator}": ${what}`);
}

function scalarOf(property: string, operator: string, value: unknown): Scalar {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  throw ruleProblem(property, operator, 'value must be a string, number or boolean');
}

function listOf(property: string, operator: string, value: unknown): Scalar[] {
  if (Array.isArray(value)) return value as Scalar[];
  return [scalarOf(property, operator, value)];
}

function rangeOf(property: string, operator: string, value: unknown, now: Date): [string, string] {
  if (value && typeof value === 'object' && 'preset' in value) {
    const [from, to] = presetRange((value as { preset: never }).preset, now);
    return [from.toISOString(), to.toISOString()];
  }
  if (value && typeof value === 'object' && 'from' in value && 'to' in value) {
    const { from, to } = value as { from: string; to: string };
    if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
      throw ruleProblem(property, operator, 'from and to must be dates');
    }
    return [new Date(from).toISOString(), new Date(to).toISOString()];
  }
  throw ruleProblem(property, operator, 'value must be {from, to} or {preset}');
}

/** A rule on a text column (`$identifier`, `$title`, …). */
function textRule(col: SQL | (typeof META_COLUMNS)[keyof typeof META_COLUMNS], r: Rule, ctx: Ctx) {
  const { property, operator, value } = r;
  const str = () => String(scalarOf(property, operator, value));
  switch (operator) {
    case '=':
      return sql`${col} = ${str()}`;
    case '!=':
      return sql`${col} IS DISTINCT FROM ${str()}`;
    case 'in':
      return inList(col, listOf(property, operator, value).map(String));
    case 'notIn':
      return sql`NOT coalesce(${inList(col, listOf(property, operator, value).map(String))}, false)`;
    case 'contains':
      return sql`${col} LIKE ${`%${likeEscape(str())}%`}`;
    case 'doesNotContains':
      return sql`NOT coalesce(${col} LIKE ${`%${likeEscape(str())}%`}, false)`;
    case 'beginsWith':
      return sql`${col} LIKE ${`${likeEscape(str())}%`}`;
    case 'doesNotBeginsWith':
      return sql`NOT coalesce(${col} LIKE ${`${likeEscape(str())}%`}, false)`;
    case 'endsWith':
      return sql`${col} LIKE ${`%${likeEscape(str())}`}`;
    case 'doesNotEndsWith':
      return sql`NOT coalesce(${col} LIKE ${`%${likeEscape(str())}`}, false)`;
    case 'isEmpty':
      return sql`(${col} IS NULL OR ${col} = '')`;
    case 'isNotEmpty':
      return sql`(${col} IS NOT NULL AND ${col} <> '')`;
    case '>':
    case '>=':
    case '<':
    case '<=':
      return sql`${col} ${sql.raw(operator)} ${str()}`;
    default:
      return unsupported(r, ctx);
  }
}

function dateRule(col: (typeof META_DATES)[keyof typeof META_DATES], r: Rule, ctx: Ctx) {
  const { property, operator, value } = r;
  switch (operator) {
    case 'between':
    case 'notBetween': {
      const [from, to] = rangeOf(property, operator, value, ctx.now);
      const inRange = sql`(${col} >= ${from}::timestamptz AND ${col} <= ${to}::timestamptz)`;
      return operator === 'between' ? inRange : sql`NOT ${inRange}`;
    }
    case '=':
    case '!=':
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const at = String(scalarOf(property, operator, value));
      if (Number.isNaN(Date.parse(at)))
        throw ruleProblem(property, operator, 'value must be a date');
      const op = operator === '!=' ? '<>' : operator;
      return sql`${col} ${sql.raw(op)} ${new Date(at).toISOString()}::timestamptz`;
    }
    case 'isEmpty':
      return sql`false`;
    case 'isNotEmpty':
      return sql`true`;
    default:
      return unsupported(r, ctx);
  }
}

/** `$team`: the entity's team array. */
function teamRule(r: Rule, ctx: Ctx) {
  const { property, operator, value } = r;
  const has = (t: Scalar) => sql`${entities.team} @> ${json([String(t)])}`;
  switch (operator) {
    case '=':
    case 'contains':
      return has(scalarOf(property, operator, value));
    case '!=':
    case 'doesNotContains':
      return sql`NOT ${has(scalarOf(property, operator, value))}`;
    case 'in':
    case 'containsAny':
      return or(...listOf(property, operator, value).map(has)) ?? sql`false`;
    case 'notIn':
      return sql`NOT (${or(...listOf(property, operator, value).map(has)) ?? sql`false`})`;
    case 'isEmpty':
      return sql`${entities.team} = '[]'::jsonb`;
    case 'isNotEmpty':
      return sql`${entities.team} <> '[]'::jsonb`;
    default:
      return unsupported(r, ctx);
  }
}

/** A blueprint property (`properties.<key>`), or a relation key. */
function propertyRule(key: string, r: Rule, ctx: Ctx) {
  const { property, operator, value } = r;
  const field = sql`${entities.properties} -> ${key}::text`;
  const text = sql`${entities.properties} ->> ${key}::text`;
  const relField = sql`${entities.relations} -> ${key}::text`;
  // Containment on the properties object, or on relations for a relation key: GIN-indexed.
  // Relations are looked at only when some blueprint has a relation by that name.
  const isRelation = ctx.relations.some((rel) => rel.relation === key);
  const contains = (shape: unknown) =>
    isRelation
      ? sql`(${entities.properties} @> ${json(shape)} OR ${entities.relations} @> ${json(shape)})`
      : sql`${entities.properties} @> ${json(shape)}`;
  const equals = (v: Scalar) => contains({ [key]: v });
  const arrayHas = (v: Scalar) => contains({ [key]: [v] });
  switch (operator) {
    case '=':
      return equals(scalarOf(property, operator, value));
    case '!=':
      return sql`NOT ${equals(scalarOf(property, operator, value))}`;
    case 'in':
      return or(...listOf(property, operator, value).map(equals)) ?? sql`false`;
    case 'notIn':
      return sql`NOT (${or(...listOf(property, operator, value).map(equals)) ?? sql`false`})`;
    case 'containsAny':
      return or(...listOf(property, operator, value).map(arrayHas)) ?? sql`false`;
    case 'contains': {
      const v = scalarOf(property, operator, value);
      return sql`(${arrayHas(v)} OR ${text} LIKE ${`%${likeEscape(String(v))}%`})`;
    }
    case 'doesNotContains': {
      const v = scalarOf(property, operator, value);
      return sql`NOT coalesce(${arrayHas(v)} OR ${text} LIKE ${`%${likeEscape(String(v))}%`}, false)`;
    }
    case 'beginsWith':
    case 'doesNotBeginsWith':
    case 'endsWith':
    case 'doesNotEndsWith':
      return textRule(text, r, ctx);
    case 'isEmpty':
      return sql`(coalesce(${field}, ${relField}) IS NULL OR coalesce(${field}, ${relField}) IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
    case 'isNotEmpty':
      return sql`NOT (coalesce(${field}, ${relField}) IS NULL OR coalesce(${field}, ${relField}) IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const v = json(scalarOf(property, operator, value));
      // jsonb orders numbers as numbers and strings as text; only compare like with like.
      return sql`(jsonb_typeof(${field}) = jsonb_typeof(${v}) AND ${field} ${sql.raw(operator)} ${v})`;
    }
    case 'isExpired':
    case 'isNotExpired': {
      // A date-time property (Port's timer): expired once it lies in the past.
      const now = ctx.now.toISOString();
      return operator === 'isExpired'
        ? sql`(jsonb_typeof(${field}) = 'string' AND ${text} < ${now})`
        : sql`NOT coalesce(jsonb_typeof(${field}) = 'string' AND ${text} < ${now}, false)`;
    }
    case 'between':
    case 'notBetween': {
      const [from, to] = rangeOf(property, operator, value, ctx.now);
      // ISO date-time strings; compared as instants where they parse.
      const inRange = sql`(${text} >= ${from} AND ${text} <= ${to})`;
      return operator === 'between' ? inRange : sql`NOT coalesce(${inRange}, false)`;
    }
    default:
      return unsupported(r, ctx);
  }
}

function unsupported(r: Rule, _ctx: Ctx): never {
  if (!(SEARCH_OPERATORS as readonly string[]).includes(r.operator)) {
    throw invalid(
      `Search operator "${r.operator}" is not supported; use one of ${SEARCH_OPERATORS.join(', ')}`,
    );
  }
  throw ruleProblem(r.property, r.operator, 'this operator does not apply to this property');
}

interface Rule {
  property: string;
  operator: string;
  value?: unknown;
}

interface RelatedTo {
  operator: 'relatedTo';
  blueprint: string;
  value: string | string[];
  direction?: 'upstream' | 'downstream' | undefined;
  required?: boolean | undefined;
}

const pointsAt = (relations: SQL, key: string, id: SQL | string) =>
  sql`(${relations} -> ${key}::text = to_jsonb(${id}::text) OR ${relations} -> ${key}::text @> jsonb_build_array(${id}::text))`;

/**
 * `relatedTo` one hop away (Port): downstream are the entities that depend on the given ones
 * (their relations point at them), upstream the entities the given ones depend on (their
 * relation targets); without a direction, either.
 */
function relatedToRule(r: RelatedTo, ctx: Ctx) {
  const ids = Array.isArray(r.value) ? r.value : [r.value];
  // Port's `required`: only through required relations (true) or only optional ones (false).
  const relations = ctx.relations.filter(
    (rel) => r.required === undefined || rel.required === r.required,
  );
  const downstream = relations
    .filter((rel) => rel.target === r.blueprint)
    .flatMap((rel) =>
      ids.map(
        (id) =>
          sql`(${entities.blueprint} = ${rel.blueprint} AND (${entities.relations} @> ${json({ [rel.relation]: id })} OR ${entities.relations} @> ${json({ [rel.relation]: [id] })}))`,
      ),
    );
  const upstream = relations
    .filter((rel) => rel.blueprint === r.blueprint)
    .map(
      (rel) =>
        sql`(${entities.blueprint} = ${rel.target} AND EXISTS (SELECT 1 FROM ${entities} src WHERE src.blueprint = ${r.blueprint} AND ${inList(sql`src.identifier`, ids)} AND ${pointsAt(sql`src.relations`, rel.relation, sql`${entities.identifier}`)}))`,
    );
  const parts =
    r.direction === 'upstream'
      ? upstream
      : r.direction === 'downstream'
        ? downstream
        : [...upstream, ...downstream];
  return or(...parts) ?? sql`false`;
}

function compileRule(rule: SearchRule, ctx: Ctx): SQL {
  if ('combinator' in rule) return compileGroup(rule, ctx);
  if (rule.operator === 'relatedTo') {
    if (!('blueprint' in rule)) {
      throw invalid('Search operator "relatedTo" needs blueprint and value');
    }
    return relatedToRule(rule as RelatedTo, ctx);
  }
  const r = rule as Rule;
  if (!(SEARCH_OPERATORS as readonly string[]).includes(r.operator)) unsupported(r, ctx);
  const needsValue = !['isEmpty', 'isNotEmpty', 'isExpired', 'isNotExpired'].includes(r.operator);
  if (needsValue && r.value === undefined) {
    throw ruleProblem(r.property, r.operator, 'value is required');
  }
  if (r.property in META_COLUMNS) {
    return textRule(META_COLUMNS[r.property as keyof typeof META_COLUMNS], r, ctx);
  }
  if (r.property in META_DATES) {
    return dateRule(META_DATES[r.property as keyof typeof META_DATES], r, ctx);
  }
  if (r.property === '$team') return teamRule(r, ctx);
  if (r.property.startsWith('$')) {
    throw invalid(`Search property "${r.property}" is not a meta-property Runboard knows`);
  }
  return propertyRule(r.property, r, ctx);
}

function compileGroup(group: SearchGroup, ctx: Ctx): SQL {
  if (group.rules.length === 0) return group.combinator === 'and' ? sql`true` : sql`false`;
  const parts = group.rules.map((r) => compileRule(r, ctx));
  return (group.combinator === 'and' ? and(...parts) : or(...parts))!;
}

/**
 * [ext] The dashboard's entity search (a picker's typed text): identifier or title contains
 * `search`, ignoring case; undefined (no condition) for no text. Port's `contains` rule is
 * case-sensitive and stays so for its clients.
 */
export function identifierOrTitleContains(search: string | undefined): SQL | undefined {
  const text = search?.trim();
  if (!text) return undefined;
  const pattern = `%${likeEscape(text)}%`;
  return or(ilike(entities.identifier, pattern), ilike(entities.title, pattern));
}

/**
 * Entities matching `group`, in (blueprint, identifier) order, after `after`, at most `limit`
 * + 1 (so the caller knows whether a next page exists). A query builder: await it for the rows.
 */
export function searchEntityRows(
  db: DbOrTx,
  group: SearchGroup,
  options: {
    now: Date;
    relations: RelationRef[];
    limit: number;
    after?: [string, string];
    /** [ext] `?search=`: see identifierOrTitleContains. */
    search?: string | undefined;
  },
) {
  const where = and(
    compileGroup(group, { now: options.now, relations: options.relations }),
    identifierOrTitleContains(options.search),
  );
  const after = options.after
    ? sql`(${entities.blueprint}, ${entities.identifier}) > (${options.after[0]}, ${options.after[1]})`
    : sql`true`;
  // Sorting on an expression keeps the planner from walking the (blueprint, identifier) index in
  // order and filtering every row: the rule's own index finds the matches, which are then sorted.
  return db
    .select()
    .from(entities)
    .where(and(where, after))
    .orderBy(sql`${entities.blueprint} || ''`, asc(entities.identifier))
    .limit(options.limit + 1);
}
