import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw } from 'node:zlib';
import { LOG_TAIL_EVENTS } from '../../contract/log-tail';
import type { Db } from '../db/client';
import { acceptsGzip } from '../http/compress';
import { apiRoutes } from '../http/openapi';
import { EMPTY_FINAL_BLOCK, GZIP_HEADER, gzipTrailer } from '../services/gzip-framing';
import { openLogTail, type LogTail, type TailPage } from '../services/log-tail';
import * as routes from './log-tail.routes';

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry` field). */
const RETRY_MS = 1000;

const sse = (event: string, data: string, id?: string, retry?: number) =>
  `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}${retry !== undefined ? `retry: ${retry}\n` : ''}data: ${data}\n\n`;

const encoder = new TextEncoder();
const deflateRawAsync = promisify(deflateRaw);

/** An event's bytes, and the same compressed as deflate blocks that end on a byte boundary. */
interface EncodedEvent {
  bytes: Uint8Array;
  deflated: () => Promise<Uint8Array>;
}

function encodedEvent(text: string): EncodedEvent {
  const bytes = encoder.encode(text);
  let deflated: Promise<Uint8Array> | undefined;
  return {
    bytes,
    // A fresh compressor per event, ended by a sync flush (not a final block): the blocks of
    // events compressed apart may follow one another in one deflate stream.
    deflated: () =>
      (deflated ??= deflateRawAsync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).then(
        (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
      )),
  };
}

/**
 * A page's event, encoded (and compressed) once for every stream that sends it at that cursor:
 * 200 viewers of one node run then cost one serialization, one encoding and one gzip of each
 * page, not 200.
 */
const pageEvents = new WeakMap<TailPage, Map<number, EncodedEvent>>();
function linesEvent(page: TailPage, cursor: number) {
  let byCursor = pageEvents.get(page);
  if (!byCursor) pageEvents.set(page, (byCursor = new Map()));
  let event = byCursor.get(cursor);
  if (!event) {
    event = encodedEvent(sse(LOG_TAIL_EVENTS.lines, page.data, String(cursor)));
    byCursor.set(cursor, event);
  }
  return event;
}

const HEARTBEAT = encodedEvent(': heartbeat\n\n');
const END = encodedEvent(sse(LOG_TAIL_EVENTS.end, '{}'));

/**
 * One response's gzip framing around shared deflate blocks (RFC 1952): the header, each event's
 * blocks as they come, then an empty final block, the CRC-32 of what was sent and its length.
 * Only the CRC is computed per stream.
 */
function gzipFraming() {
  let crc = 0;
  let size = 0;
  return {
    header: GZIP_HEADER,
    async body(event: EncodedEvent) {
      crc = crc32(event.bytes, crc);
      size = (size + event.bytes.length) >>> 0;
      return event.deflated();
    },
    trailer() {
      return Buffer.concat([EMPTY_FINAL_BLOCK, gzipTrailer(crc, size)]);
    },
  };
}

/**
 * The events as bytes, produced only as fast as the client reads them (a slow reader holds the
 * stream's loop, not a growing buffer); the client going away cancels it, which ends the loop
 * and gives the stream's slot back.
 */
function eventStream(tail: LogTail, resumeFrom: string, gzip: boolean): ReadableStream<Uint8Array> {
  const abort = new AbortController();
  const events = tail.events(abort.signal);
  const framing = gzip ? gzipFraming() : null;
  let started = false;
  const finish = () => {
    abort.abort();
    tail.release();
  };
  const send = async (controller: ReadableStreamDefaultController<Uint8Array>, e: EncodedEvent) =>
    controller.enqueue(framing ? await framing.body(e) : e.bytes);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          if (framing) controller.enqueue(framing.header);
          // The retry interval first, with the cursor as id, so a quiet stream resumes right too.
          await send(
            controller,
            encodedEvent(sse(LOG_TAIL_EVENTS.start, resumeFrom, resumeFrom, RETRY_MS)),
          );
          return;
        }
        const { value, done } = await events.next();
        if (done) {
          finish();
          if (framing) controller.enqueue(framing.trailer());
          controller.close();
          return;
        }
        await send(
          controller,
          value.kind === 'lines'
            ? linesEvent(value.page, value.cursor)
            : value.kind === 'heartbeat'
              ? HEARTBEAT
              : END,
        );
      } catch (err) {
        finish();
        controller.error(err);
      }
    },
    async cancel() {
      finish();
      await events.return(undefined);
    },
  });
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
    const gzip = acceptsGzip(c.req.header('accept-encoding'));
    return new Response(eventStream(tail, resumeFrom, gzip), {
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
