import { z } from 'zod';

/**
 * RFC 6901 JSON pointers, which the [ext] shallow output read takes to name a value inside a
 * node's output: "" is the whole output, "/a/0/b~1c" is key "a", item 0, key "b/c".
 */

/** The reference tokens of `pointer`, or null when it is not a JSON pointer. */
export function parseJsonPointer(pointer: string): string[] | null {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  const tokens = pointer.slice(1).split('/');
  // "~" must be followed by 0 or 1.
  if (tokens.some((t) => /~(?![01])/.test(t))) return null;
  return tokens.map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The pointer of `segments` (keys and array indexes). */
export function formatJsonPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export const jsonPointerSchema = z
  .string()
  .max(4096)
  .refine((p) => parseJsonPointer(p) !== null, {
    message: 'must be a JSON pointer (RFC 6901): empty, or "/" followed by keys, e.g. /items/0',
  });

export type JsonKindName = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** One child of the value read: its key (an index for an array item), kind and a preview. */
export interface ShallowEntry {
  key: string;
  kind: JsonKindName;
  /** Keys or items of a container. */
  size?: number;
  /** A primitive as JSON (a string's first PREVIEW_CHARS characters, JSON-quoted). */
  preview?: string;
  /** A string's full length in characters (when longer than its preview). */
  length?: number;
}

/** How many characters of a string the shallow read sends. */
export const PREVIEW_CHARS = 200;

export const shallowOutputQuerySchema = z.object({
  pointer: jsonPointerSchema.optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

const entrySchema = z.object({
  key: z.string(),
  kind: z.enum(['object', 'array', 'string', 'number', 'boolean', 'null']),
  size: z.number().int().optional(),
  preview: z.string().optional(),
  length: z.number().int().optional(),
});

/** [ext] `GET /nodes/runs/{id}/output/shallow`. */
export const shallowOutputResponseSchema = z.object({
  ok: z.literal(true),
  pointer: z.string(),
  kind: entrySchema.shape.kind,
  /** Keys or items of the value (0 for a primitive). */
  size: z.number().int(),
  /** The whole output's stored size in bytes (compressed as PostgreSQL keeps it). */
  storedBytes: z.number().int(),
  offset: z.number().int(),
  entries: z.array(entrySchema),
  /** A primitive read alone: its JSON text (a string cut at PREVIEW_CHARS, like entries). */
  preview: z.string().optional(),
});
export type ShallowOutput = z.infer<typeof shallowOutputResponseSchema>;
