import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { ApiError, invalid } from '../domain/errors';

/** A zod failure as one sentence naming each field, e.g. `body.result: is required when …`. */
export function describeIssues(where: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = [where, ...issue.path.map(String)].join('.');
      if (issue.code === 'unrecognized_keys') {
        return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** Deeper JSON than this fails to serialize (JS and PostgreSQL recurse), so it is refused. */
export const MAX_JSON_DEPTH = 128;

interface Visit {
  value: unknown;
  key: string | null;
  parent: Visit | null;
  depth: number;
}

const pathOf = (visit: Visit): string[] => {
  const path: string[] = [];
  for (let v: Visit | null = visit; v?.key != null; v = v.parent) path.unshift(v.key);
  return path;
};

/**
 * The first value that parses but cannot be stored, with its path: a key or string holding
 * U+0000 (PostgreSQL refuses it in text and jsonb) or nesting deeper than MAX_JSON_DEPTH. Without
 * this check both fail the write with a 500. Iterative, so any body is walked in linear time.
 */
function unstorable(value: unknown): { path: string[]; problem: string } | null {
  const nul = 'must not contain the character U+0000 (NUL), which cannot be stored';
  const stack: Visit[] = [{ value, key: null, parent: null, depth: 0 }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const current = visit.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { path: pathOf(visit), problem: nul };
    } else if (current !== null && typeof current === 'object') {
      if (visit.depth >= MAX_JSON_DEPTH) {
        return {
          path: pathOf(visit),
          problem: `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
        };
      }
      for (const [key, child] of Object.entries(current)) {
        const next = { value: child, key, parent: visit, depth: visit.depth + 1 };
        if (key.includes('\u0000')) return { path: pathOf(next), problem: nul };
        stack.push(next);
      }
    }
  }
  return null;
}

/**
 * Whether `value` holds nothing unstorable (see unstorable): the usual answer, found without
 * building a path for every value (a 100-line log batch is ~300 values). Recursion is bounded by
 * MAX_JSON_DEPTH.
 */
function storable(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return !value.includes('\u0000');
  if (value === null || typeof value !== 'object') return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) if (!storable(value[k], depth + 1)) return false;
    return true;
  }
  for (const key of Object.keys(value)) {
    if (key.includes('\u0000') || !storable((value as Record<string, unknown>)[key], depth + 1))
      return false;
  }
  return true;
}

function assertStorable(value: unknown, where: string) {
  if (storable(value, 0)) return;
  // Which value, and its path: the first one unstorable finds, as before.
  const refused = unstorable(value);
  if (refused) throw invalid(`${[where, ...refused.path].join('.')}: ${refused.problem}`);
}

/**
 * How deep a value this schema's output can nest (objects and arrays), or Infinity when the
 * schema does not say (any JSON value, a transform's output, a lazy or custom schema, an
 * `overwrite` of anything but a string, a record whose keys are rewritten). Read from zod's
 * definitions; kinds not listed count as Infinity, so a new kind is walked as before.
 */
export function outputDepth(schema: z.core.$ZodType, seen = new Set<unknown>()): number {
  if (seen.has(schema)) return Infinity;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const depth = (inner: unknown) => outputDepth(inner as z.core.$ZodType, new Set(seen));
  // An overwrite check replaces the output with what a function returns. A string's (trim, case)
  // maps the request's text to text; on anything else it could put any value there.
  const checks = (def.checks ?? []) as { _zod: { def: { check?: string } } }[];
  if (def.type !== 'string' && checks.some((c) => c._zod.def.check === 'overwrite')) {
    return Infinity;
  }
  switch (def.type) {
    case 'string':
    case 'number':
    case 'int':
    case 'boolean':
    case 'bigint':
    case 'enum':
    case 'literal':
    case 'null':
    case 'undefined':
    case 'never':
    case 'template_literal':
      return 0;
    case 'optional':
    case 'nullable':
    case 'nonoptional':
    case 'readonly':
      return depth(def.innerType);
    case 'default':
    case 'prefault':
      // A primitive default is a constant of the code (no U+0000 in our strings). An object or
      // array default is not measured: zod's `defaultValue` getter would call a function
      // default here once, and its later values could differ.
      return def.defaultValue !== null && typeof def.defaultValue === 'object'
        ? Infinity
        : depth(def.innerType);
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      let deepest = def.catchall ? depth(def.catchall) : 0;
      for (const key of Object.keys(shape)) deepest = Math.max(deepest, depth(shape[key]));
      return 1 + deepest;
    }
    case 'array':
      return 1 + depth(def.element);
    case 'record':
      // Its keys are the request's text unless the key schema rewrites them (a pipe, a transform).
      return depth(def.keyType) === 0 ? 1 + depth(def.valueType) : Infinity;
    case 'union':
      return Math.max(0, ...(def.options as unknown[]).map(depth));
    default:
      return Infinity;
  }
}

/**
 * Marks a successful parse of a schema whose output nests less than MAX_JSON_DEPTH levels and
 * holds only strings from the request (or constants): with a body text that has no `\u0000`,
 * nothing in it can be unstorable, and validationHook does not walk it (openapi.ts sets it).
 */
export const SHALLOW_OUTPUT = Symbol('shallow output');

/** Request bodies whose JSON text holds no `\u0000` escape, the only way JSON spells U+0000. */
const nulFreeBodies = new WeakMap<object, boolean>();

function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  assertStorable(value, where);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(describeIssues(where, parsed.error));
  return parsed.data;
}

/** How each validation target is named in messages: `path.wfr`, `query.limit`, `body.result`. */
const WHERE: Record<string, string> = { param: 'path', query: 'query', json: 'body' };

/** A body that could not be read as JSON; told by the json validation hook, after path and query. */
const unreadableBodies = new WeakMap<object, ApiError>();

interface ValidationResult {
  target: string;
  success: boolean;
  data?: unknown;
  error?: z.ZodError;
}

/**
 * zod-openapi's validation hook: every failure becomes today's 422 (400 for a body that is not
 * JSON), worded by describeIssues, and a value that parses but cannot be stored is refused first.
 */
export function validationHook(result: ValidationResult, c: Context): undefined {
  if (result.target === 'json') {
    const unreadable = unreadableBodies.get(c.req);
    if (unreadable) throw unreadable;
  }
  const where = WHERE[result.target] ?? result.target;
  // A body that parsed into a shallow schema's output, from a text without U+0000: no walk.
  const shallow =
    result.target === 'json' &&
    result.success &&
    (result as { [SHALLOW_OUTPUT]?: true })[SHALLOW_OUTPUT] === true &&
    nulFreeBodies.get(c.req) === true;
  if (!shallow) assertStorable(result.data, where);
  if (!result.success && result.error) throw invalid(describeIssues(where, result.error));
  return undefined;
}

/** Query parameters, with `name[]` read as `name` and repeated names as arrays, in order. */
function mergedQuery(c: Context): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const [key, values] of Object.entries(c.req.queries())) {
    const name = key.endsWith('[]') ? key.slice(0, -2) : key;
    merged.set(name, [...(merged.get(name) ?? []), ...values]);
  }
  return merged;
}

/**
 * Route middleware, run before zod-openapi's validators so they see a request as the API has
 * always read it: `name[]` query keys folded into `name`, and a body read as JSON whatever its
 * Content-Type says (an empty body is `{}`; one that is not JSON is told by validationHook, so
 * errors keep their order: path, query, body).
 */
export function normalizeRequest(hasBody: boolean): MiddlewareHandler {
  return async (c, next) => {
    // A URL without a query (a log append's) has nothing to fold: not parsed for nothing.
    const url = c.req.url.includes('?') ? new URL(c.req.url) : null;
    const foldQuery =
      url !== null && [...url.searchParams.keys()].some((key) => key.endsWith('[]'));
    if (!foldQuery && !hasBody) return next();
    if (!foldQuery && JSON_MEDIA_TYPE.test(mediaType(c.req.header('content-type')))) {
      // The usual request: its body parsed once, here, and handed to the validator as it is
      // (its own c.req.json() would parse the text again; a new Request would copy it twice).
      const body = await readJsonBody(c, true);
      c.req.json = <T>() => Promise.resolve(body as T);
      return next();
    }
    if (foldQuery) {
      url!.search = [...mergedQuery(c)]
        .flatMap(([name, values]) =>
          values.map((v) => `${encodeURIComponent(name)}=${encodeURIComponent(v)}`),
        )
        .join('&');
    }
    const headers = new Headers(c.req.raw.headers);
    let body: string | undefined;
    if (hasBody) {
      body = JSON.stringify(await readJsonBody(c));
      headers.set('content-type', 'application/json');
      headers.delete('content-length');
    }
    c.req.raw = new Request(url ?? c.req.url, { method: c.req.method, headers, body });
    c.req.bodyCache = {};
    return next();
  };
}

/** What hono's json validator reads as JSON: `application/json` or `application/…+json`. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const mediaType = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The body as JSON: `{}` when empty, and `{}` with validationHook told when it is not JSON. */
async function readJsonBody(c: Context, noteNulFree = false): Promise<unknown> {
  const text = await c.req.text();
  if (text === '') return {};
  try {
    const body: unknown = JSON.parse(text);
    // JSON writes U+0000 only as the escape `\u0000` (a raw control character is refused by
    // JSON.parse); an escaped backslash before "u0000" also matches, and is then walked.
    if (noteNulFree && !text.includes('\\u0000')) nulFreeBodies.set(c.req, true);
    return body;
  } catch {
    unreadableBodies.set(
      c.req,
      new ApiError(400, 'invalid_json', 'The request body is not valid JSON'),
    );
    return {};
  }
}

/**
 * Route middleware checking path parameters one by one before the query (zod-openapi's own
 * validators take the query first), so a request with several faults is told the same one as
 * before.
 */
export function checkParamsFirst(params: z.ZodObject): MiddlewareHandler {
  return async (c, next) => {
    for (const [name, schema] of Object.entries(params.shape)) {
      check(schema as z.ZodType, c.req.param(name), `path.${name}`);
    }
    return next();
  };
}
