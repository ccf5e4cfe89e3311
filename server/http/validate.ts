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

interface Visit {
  value: unknown;
  key: string | null;
  parent: Visit | null;
}

const pathOf = (visit: Visit): string[] => {
  const path: string[] = [];
  for (let v: Visit | null = visit; v?.key != null; v = v.parent) path.unshift(v.key);
  return path;
};

/**
 * The path to a key or string holding U+0000, which PostgreSQL cannot store in text or jsonb (the
 * write would fail with a 500). Iterative, and paths are built only for the hit, so a deeply
 * nested body costs linear time.
 */
function pathToNul(value: unknown): string[] | null {
  const stack: Visit[] = [{ value, key: null, parent: null }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const current = visit.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return pathOf(visit);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const next = { value: child, key, parent: visit };
        if (key.includes('\u0000')) return pathOf(next);
        stack.push(next);
      }
    }
  }
  return null;
}

function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const nul = pathToNul(value);
  if (nul) {
    throw invalid(
      `${[where, ...nul].join('.')}: must not contain the character U+0000 (NUL), which cannot be stored`,
    );
  }
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
