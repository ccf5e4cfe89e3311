import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

/** Bodies smaller than this go as they are: gzip's header and the CPU are not worth it. */
export const COMPRESS_MIN_BYTES = 1024;
/** From this size on (a log page full of lines), the fastest level: text this repetitive still shrinks ~10x. */
const FAST_FROM_BYTES = 64 * 1024;
const gzipAsync = promisify(gzip);
const COMPRESSIBLE = /^(application\/(json|javascript)|text\/(css|html|javascript)|image\/svg)/i;
/**
 * The built dashboard's files that the build precompresses (scripts/vite-precompress.ts, from
 * COMPRESS_MIN_BYTES on) and the server sends as stored: what COMPRESSIBLE names, by extension.
 */
export const PRECOMPRESSED_FILE = /\.(js|mjs|css|html|svg|json|txt)$/;

/** Whether Accept-Encoding takes gzip: listed (or `*`) without `q=0`. */
export function acceptsGzip(header: string | undefined) {
  const offers = (header ?? '').split(',').map((part) => {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { name: name.trim(), refused: q !== undefined && Number(q.slice(2)) === 0 };
  });
  const gzip = offers.find((o) => o.name === 'gzip') ?? offers.find((o) => o.name === '*');
  return gzip !== undefined && !gzip.refused;
}

/**
 * gzip for JSON answers and the SPA's assets when the client accepts it. Streamed answers (no
 * Content-Length, e.g. a log download) and answers marked `no-transform` pass through untouched,
 * so a stream is never held back by the compressor; JSON built in memory is measured first so
 * small bodies are skipped, and is compressed in one piece on libuv's thread pool (off the event
 * loop, where the stream compressor ran chunk by chunk), big bodies at the fastest level.
 */
export function compressResponses(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    // A small body whose length is declared ends here, before `res.body` makes
    // @hono/node-server build a whole Response around it.
    if (Number(res.headers.get('content-length') ?? NaN) < COMPRESS_MIN_BYTES) return;
    const type = res.headers.get('content-type') ?? '';
    if (
      c.req.method === 'HEAD' ||
      res.status === 204 ||
      res.status === 206 ||
      res.status === 304 ||
      !res.body ||
      res.headers.has('content-encoding') ||
      /no-transform/i.test(res.headers.get('cache-control') ?? '') ||
      !COMPRESSIBLE.test(type) ||
      !acceptsGzip(c.req.header('accept-encoding'))
    ) {
      return;
    }
    let length = Number(res.headers.get('content-length') ?? NaN);
    let body: BodyInit | ReadableStream = res.body;
    if (Number.isNaN(length) && type.startsWith('application/json')) {
      const bytes = await res.arrayBuffer();
      length = bytes.byteLength;
      body = bytes;
    }
    const vary = res.headers.get('vary');
    const headers = new Headers(res.headers);
    if (!vary) headers.set('vary', 'Accept-Encoding');
    else if (!/accept-encoding/i.test(vary)) headers.set('vary', `${vary}, Accept-Encoding`);
    if (Number.isNaN(length) || length < COMPRESS_MIN_BYTES) {
      // Streams pass untouched; a measured small body goes as it is.
      if (body !== res.body) {
        headers.set('content-length', String(length));
        c.res = undefined;
        c.res = new Response(body, { status: res.status, headers });
      }
      return;
    }
    headers.set('content-encoding', 'gzip');
    let compressed: BodyInit | ReadableStream;
    if (body instanceof ArrayBuffer) {
      const level =
        length >= FAST_FROM_BYTES ? constants.Z_BEST_SPEED : constants.Z_DEFAULT_COMPRESSION;
      const bytes = await gzipAsync(new Uint8Array(body), { level });
      headers.set('content-length', String(bytes.byteLength));
      compressed = bytes;
    } else {
      headers.delete('content-length');
      compressed = res.body.pipeThrough(new CompressionStream('gzip'));
    }
    const tag = headers.get('etag');
    if (tag && !tag.startsWith('W/')) headers.set('etag', `W/${tag}`);
    c.res = undefined;
    c.res = new Response(compressed, { status: res.status, headers });
  };
}
