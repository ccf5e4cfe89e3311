import { randomUUID } from 'node:crypto';
import { constants, createGzip } from 'node:zlib';
import { LOG_TAIL_EVENTS } from '../../contract/log-tail';
import type { Db } from '../db/client';
import { acceptsGzip } from '../http/compress';
import { apiRoutes } from '../http/openapi';
import { openLogTail, type LogTail } from '../services/log-tail';
import * as routes from './log-tail.routes';

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry` field). */
const RETRY_MS = 1000;

const sse = (event: string, data: string, id?: string, retry?: number) =>
  `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}${retry !== undefined ? `retry: ${retry}\n` : ''}data: ${data}\n\n`;

/**
 * The events as bytes, produced only as fast as the client reads them (a slow reader holds the
 * stream's loop, not a growing buffer); the client going away cancels it, which ends the loop
 * and gives the stream's slot back.
 */
function eventStream(
  tail: LogTail,
  resumeFrom: string,
  /** Called when the client went away or the stream failed. */
  onDropped: () => void,
): ReadableStream<Uint8Array> {
  const abort = new AbortController();
  const events = tail.events(abort.signal);
  const encoder = new TextEncoder();
  let started = false;
  const finish = (dropped: boolean) => {
    abort.abort();
    tail.release();
    if (dropped) onDropped();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          // The retry interval first, with the cursor as id, so a quiet stream resumes right too.
          controller.enqueue(
            encoder.encode(sse(LOG_TAIL_EVENTS.start, resumeFrom, resumeFrom, RETRY_MS)),
          );
          return;
        }
        const { value, done } = await events.next();
        if (done) {
          finish(false);
          controller.close();
          return;
        }
        const text =
          value.kind === 'lines'
            ? sse(LOG_TAIL_EVENTS.lines, JSON.stringify({ logs: value.logs }), String(value.cursor))
            : value.kind === 'heartbeat'
              ? ': heartbeat\n\n'
              : sse(LOG_TAIL_EVENTS.end, '{}');
        controller.enqueue(encoder.encode(text));
      } catch (err) {
        finish(true);
        controller.error(err);
      }
    },
    async cancel() {
      finish(true);
      await events.return(undefined);
    },
  });
}

/**
 * gzip that flushes after every event, so each arrives at once while the dictionary carries
 * over between events (log lines repeat themselves: a stream moves a fraction of its text, as
 * the compressed log pages do).
 */
function gzipEachChunk() {
  const gz = createGzip({ memLevel: 7 });
  let ended: Promise<void> | null = null;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      gz.on('data', (chunk: Buffer) => {
        try {
          controller.enqueue(new Uint8Array(chunk));
        } catch {
          // The client went away between an event and its compressed bytes: nobody reads them.
          gz.destroy();
        }
      });
      // Once destroyed, a late write must not become an unhandled 'error' (it would end the
      // process); the stream is over either way.
      gz.on('error', () => {});
      ended = new Promise((resolve) => gz.once('end', resolve));
    },
    transform(chunk) {
      return new Promise<void>((resolve) => {
        if (gz.destroyed) return resolve();
        gz.write(chunk);
        gz.flush(constants.Z_SYNC_FLUSH, () => resolve());
      });
    },
    async flush() {
      gz.end();
      await ended;
    },
  });
  // A stream the client dropped frees its compressor at once, not when collected.
  return { stream, close: () => setImmediate(() => gz.destroy()) };
}

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
    const gzip = acceptsGzip(c.req.header('accept-encoding')) ? gzipEachChunk() : null;
    const body = eventStream(tail, resumeFrom, () => gzip?.close());
    return new Response(gzip ? body.pipeThrough(gzip.stream) : body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        vary: 'Accept-Encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        // Set here so the ETag middleware does not read (and so wait for) the whole stream.
        etag: `W/"tail-${randomUUID()}"`,
      },
    });
  });
}
