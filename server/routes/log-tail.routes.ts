import { z } from 'zod';
import { logTailQuerySchema } from '../../contract/log-tail';
import { pathIds } from '../../contract/workflows';
import { defineRoute } from '../http/openapi';

export const streamNodeRunLogs = defineRoute({
  method: 'get',
  path: '/workflows/nodes/runs/{wfnr}/logs/stream',
  summary:
    "[ext] Follow a node run's log as Server-Sent Events: `lines` events (data `{logs}`, id = the seq read up to) from `cursor` or `Last-Event-ID`, then `end` once the node run completed",
  request: {
    params: z.object({ wfnr: pathIds.nodeRunId }),
    query: logTailQuerySchema,
    headers: z.object({
      'last-event-id': z
        .string()
        .regex(/^\d{1,10}$/)
        .optional(),
    }),
  },
  responses: {
    200: {
      description: 'An event stream (text/event-stream)',
      content: { 'text/event-stream': { schema: z.string() } },
    },
  },
});
