import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import {
  acceptedAt,
  recordRequest,
  requestTimingEnabled,
  runTimed,
  type RequestTiming,
} from '../timing';

const NODE_LOGS = /^\/v1\/workflows\/nodes\/runs\/[^/]+\/logs$/;
const RUN = /^\/v1\/workflows\/runs\/[^/]+$/;

/** Connections that carried a request already (a request on a new one waited for its accept). */
const usedSockets = new WeakSet<Socket>();

const kindOf = (method: string, path: string) =>
  NODE_LOGS.test(path)
    ? `${method} logs`
    : method === 'GET' && RUN.test(path)
      ? 'GET run'
      : 'other';

/**
 * With request timing on (bench/load.ts, server/timing.ts): each request's handler time split into
 * pool wait and queries, its send time (serialize, gzip, socket) once the response finished, and
 * a `Server-Timing` header (`app`, `pool`, `db`, `shared`, `start`) so the client can tell the server's part of a
 * latency from the rest. Off, it only passes the request on.
 */
export function timeRequests(): MiddlewareHandler {
  return async (c, next) => {
    if (!requestTimingEnabled()) return next();
    const timing: RequestTiming = {
      start: performance.now(),
      poolWait: 0,
      query: 0,
      queries: 0,
      shared: 0,
    };
    const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
    const socket = env?.incoming?.socket;
    const firstOnSocket = socket !== undefined && !usedSockets.has(socket);
    if (socket) usedSockets.add(socket);
    await runTimed(timing, next);
    const returned = performance.now();
    const app = returned - timing.start;
    c.header(
      'Server-Timing',
      `app;dur=${app.toFixed(2)}, pool;dur=${timing.poolWait.toFixed(2)}, db;dur=${timing.query.toFixed(2)}, shared;dur=${timing.shared.toFixed(2)}, ` +
        // When the handler chain was entered, on the wall clock (ms since the epoch; another
        // process on this machine can compare it with its own clock).
        `start;dur=${(performance.timeOrigin + timing.start).toFixed(2)}` +
        (firstOnSocket
          ? `, new;dur=${(timing.start - (acceptedAt(socket) ?? NaN)).toFixed(2)}`
          : ''),
    );
    const record = (send: number) =>
      recordRequest({
        kind: kindOf(c.req.method, c.req.path),
        status: c.res.status,
        app,
        poolWait: timing.poolWait,
        query: timing.query,
        queries: timing.queries,
        shared: timing.shared,
        send,
      });
    const outgoing = env?.outgoing;
    if (outgoing) outgoing.once('finish', () => record(performance.now() - returned));
    else record(0);
  };
}
