import type { Context } from 'hono';
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

function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const refused = unstorable(value);
  if (refused) throw invalid(`${[where, ...refused.path].join('.')}: ${refused.problem}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(describeIssues(where, parsed.error));
  return parsed.data;
}

export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON');
  }
  return check(schema, value, 'body');
}

/** Query parameters, with `name[]` read as `name` and repeated names as arrays. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    const name = key.endsWith('[]') ? key.slice(0, -2) : key;
    const merged = [
      ...(Array.isArray(raw[name]) ? raw[name] : raw[name] ? [raw[name]] : []),
      ...values,
    ];
    raw[name] = merged.length === 1 ? merged[0]! : merged;
  }
  return check(schema, raw, 'query');
}

export function readParam<S extends z.ZodType>(c: Context, name: string, schema: S): z.output<S> {
  return check(schema, c.req.param(name), `path.${name}`);
}
