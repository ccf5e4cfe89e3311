import { randomUUID } from 'node:crypto';
import { streamSSE } from 'hono/streaming';
import { LOG_TAIL_EVENTS } from '../../contract/log-tail';
import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import { openLogTail, type LogTailEvent } from '../services/log-tail';
import * as routes from './log-tail.routes';

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry` field). */
const RETRY_MS = 1000;

const lines = (event: Extract<LogTailEvent, { kind: 'lines' }>) => ({
  event: LOG_TAIL_EVENTS.lines,
  id: String(event.cursor),
  data: JSON.stringify({ logs: event.logs }),
});

/** The streamed tail of a node run's log; mounted on /v1 behind the bearer/session check. */
export function logTailRoutes(db: Db) {
  return apiRoutes().openapi(routes.streamNodeRunLogs, async (c) => {
    const { wfnr } = c.req.valid('param');
    const { cursor, level } = c.req.valid('query');
    // A reconnecting EventSource sends the last id it saw; it wins over the URL's first cursor.
    const resumeFrom = c.req.valid('header')['last-event-id'] ?? cursor ?? '0';
    const tail = await openLogTail(db, wfnr, c.get('actor'), {
      cursor: Number(resumeFrom),
      levels: level ?? [],
    });
    // Set here so the ETag middleware does not read (and so wait for) the whole stream.
    c.header('ETag', `W/"tail-${randomUUID()}"`);
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      try {
        // The retry interval first, with the cursor as id, so even a quiet stream resumes right.
        await stream.writeSSE({
          event: LOG_TAIL_EVENTS.start,
          data: resumeFrom,
          id: resumeFrom,
          retry: RETRY_MS,
        });
        for await (const event of tail.events(abort.signal)) {
          if (event.kind === 'lines') await stream.writeSSE(lines(event));
          else if (event.kind === 'heartbeat') await stream.write(': heartbeat\n\n');
          else await stream.writeSSE({ event: LOG_TAIL_EVENTS.end, data: '{}' });
          if (stream.aborted) break;
        }
      } finally {
        tail.release();
      }
    });
  });
}
