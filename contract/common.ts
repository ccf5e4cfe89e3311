import { z } from 'zod';

/** Port's error envelope: `{ok: false, error, message}`. */
export const apiErrorSchema = z.object({
  ok: z.literal(false),
  error: z.string(),
  message: z.string(),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

export const ID_PATTERN = /^[a-zA-Z0-9]{16}$/;

/** Port ids: a prefix followed by exactly 16 characters [a-zA-Z0-9]. */
export const prefixedId = (prefix: 'wfr_' | 'wfnr_' | 'r_') =>
  z.string().refine((s) => s.startsWith(prefix) && ID_PATTERN.test(s.slice(prefix.length)), {
    message: `must be "${prefix}" followed by 16 letters or digits`,
  });

export const workflowRunId = prefixedId('wfr_');
export const nodeRunId = prefixedId('wfnr_');
export const actionRunId = prefixedId('r_');

export const identifierSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9@_.+:\\/=-]+$/, 'may hold only letters, digits and @_.+:\\/=-');

export const isoDate = z.string();

/** A list filter's instant (`from`, `to`): an ISO 8601 date-time with its offset. */
export const dateTimeParam = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time with its offset, e.g. 2026-01-31T00:00:00Z',
});

/**
 * A list query's `from`/`to` in order: `from` after `to` is a mistake (swapped bounds), told as a
 * 422 rather than answered with an empty list nobody can tell from "nothing happened".
 */
export const rangeInOrder = <T extends { from?: string | undefined; to?: string | undefined }>(
  q: T,
  ctx: z.RefinementCtx,
) => {
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: `${q.from} is after to (${q.to}); swap them or leave one out`,
    });
  }
};

/** Query arrays: `statuses=A&statuses=B` or `statuses[]=A`; a single value is an array of one. */
export const queryArray = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]), z.array(item));

/** Largest value of a PostgreSQL integer column: sequence numbers, offsets and versions. */
export const INT4_MAX = 2_147_483_647;

/** A seq cursor (`nextCursor` of a log page): a whole number a PostgreSQL integer can hold. */
export const seqCursor = z
  .string()
  .regex(/^\d{1,10}$/, 'must be the nextCursor of a previous page (or 0)')
  .refine((s) => Number(s) <= INT4_MAX, 'must be the nextCursor of a previous page (or 0)');

export const limitParam = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt);

export const httpUrl = z.string().refine((s) => /^https?:\/\//i.test(s) && URL.canParse(s), {
  message: 'must be an http(s) URL',
});

/** Why a person marked, cancelled or re-ran a run; kept in the log and the audit entry. */
/** The longest reason a manual act keeps (the dashboard counts toward it; nothing is cut). */
export const REASON_MAX_LENGTH = 2000;
export const reasonSchema = z
  .string()
  .trim()
  .min(1, 'is required and must not be blank')
  .max(REASON_MAX_LENGTH);

export const jsonObject = z.record(z.string(), z.unknown());
