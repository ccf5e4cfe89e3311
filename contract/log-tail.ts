import { z } from 'zod';
import { queryArray } from './common';
import { logCountsSchema, logLevelSchema, logLineSchema } from './workflows';

/**
 * [ext] The streamed tail of one node run's log (`GET /v1/workflows/nodes/runs/{wfnr}/logs/stream`,
 * Server-Sent Events): only lines after `cursor` (or after the `Last-Event-ID` a reconnecting
 * EventSource sends), at `level` when given, until the node run completes.
 */
export const logTailQuerySchema = z.object({
  level: queryArray(logLevelSchema).optional(),
  /** The seq of the last line the client has; lines after it are sent. */
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, 'cursor is a line seq')
    .optional(),
});
export type LogTailQuery = z.infer<typeof logTailQuerySchema>;

/** Event names of the stream. `lines`' id is the seq it has read up to (the resume cursor). */
export const LOG_TAIL_EVENTS = {
  /** First, with the cursor the stream starts from as id and the reconnect delay (`retry`). */
  start: 'start',
  lines: 'lines',
  /** The node run completed and every line (at the level asked) was sent: the stream closes. */
  end: 'end',
} as const;

/**
 * Data of a `lines` event: the new lines (maybe none, when only lines the stream's levels leave
 * out were added) and the node run's lines per level at that point (the level chips).
 */
export const logTailLinesSchema = z.object({
  logs: z.array(logLineSchema),
  counts: logCountsSchema.optional(),
});
export type LogTailLines = z.infer<typeof logTailLinesSchema>;
