import type { MiddlewareHandler, TypedResponse } from 'hono';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { signDownloadTicket, ticketOrBearer } from '../http/download-ticket';
import { apiRoutes } from '../http/openapi';
import {
  actionRunLogDownload,
  nodeRunLogDownload,
  runLogDownload,
  type LogDownload,
} from '../services/log-download';
import * as routes from './log-downloads.routes';

/** The chunks as a byte stream read only as fast as the client takes them. */
function byteStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/**
 * The ETag is set here so that the ETag middleware does not hash (and so buffer) the body;
 * `no-store` keeps a log that may hold secrets out of shared caches.
 */
const fileResponse = (d: LogDownload) =>
  // A stream, which hono's typed text answers (a string) do not cover.
  new Response(byteStream(d.chunks), {
    status: 200,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${d.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      etag: d.etag,
    },
  }) as unknown as TypedResponse<string, 200, 'text'>;

/**
 * Log downloads (bearer token or a download ticket) and the tickets for them. Mounted on /v1
 * before the bearer-token middleware: the download paths check either themselves, and the ticket
 * route requires the token as every other route does.
 */
export function logDownloadRoutes(
  db: Db,
  clock: () => Date,
  secret: () => Promise<string>,
  bearer: MiddlewareHandler<AuthEnv>,
) {
  const either = ticketOrBearer(db, clock, secret, bearer);
  const group = apiRoutes();
  group.use('/workflows/nodes/runs/:wfnr/logs/download', either);
  group.use('/workflows/runs/:wfr/logs/download', either);
  group.use('/actions/runs/:id/logs/download', either);
  group.use('/downloads/tickets', bearer);
  return group
    .openapi(routes.downloadNodeRunLogs, async (c) => {
      const { wfnr } = c.req.valid('param');
      return fileResponse(await nodeRunLogDownload(db, wfnr, c.req.valid('query'), c.get('actor')));
    })
    .openapi(routes.downloadRunLogs, async (c) => {
      const { wfr } = c.req.valid('param');
      return fileResponse(await runLogDownload(db, wfr, c.req.valid('query'), c.get('actor')));
    })
    .openapi(routes.downloadActionRunLogs, async (c) => {
      const { id } = c.req.valid('param');
      return fileResponse(await actionRunLogDownload(db, id, c.req.valid('query'), c.get('actor')));
    })
    .openapi(routes.createDownloadTicket, async (c) => {
      const { path } = c.req.valid('json');
      const { ticket, expiresAt } = signDownloadTicket(
        c.get('actor').id,
        path,
        clock(),
        await secret(),
      );
      return c.json({ ok: true as const, ticket, expiresAt: expiresAt.toISOString() }, 201);
    });
}
