/**
 * The viewers of `bench/load.ts`, in their own process (forked by it): their fetches, JSON
 * parsing and timers must not share the server's event loop, or the latencies would count the
 * client's own work and the server would be slowed by it; a browser is another process too.
 *
 * Each viewer first loads the run (`view=summary&ignoreLogCounts=true`, see RUN_QUERY) and its
 * node's log tail (200 lines), then:
 * - mode `poll` (the dashboard with Follow off, src/lib/polling.ts, src/components/log-viewer/):
 *   every 2 s the run with If-None-Match and the node's log with If-None-Match. The simulated
 *   person has scrolled up, away from the end (reading the tail it opened on while lines keep
 *   coming below), so the log poll is what the dashboard sends then (store.ts pollCount,
 *   model.ts planPoll): `total=only`, the new total and level counts without the lines.
 *   `LOG_POLL=plain`: the policy before that, the lines from its cursor (up to 10 000) on every
 *   poll whatever the view shows, for an A/B in one tree;
 * - mode `stream` (a live node with Follow on, the dashboard's default): every 2 s the run with
 *   If-None-Match, and the node's log streamed — one `GET …/logs/stream?cursor=` kept open, its
 *   Server-Sent Events parsed by hand (`event:`, `id:`, `data:`) from fetch's body; each line's
 *   delivery lag is its arrival here less its `createdAt` (the server's clock when the write
 *   was received; same machine). A stream refused (429 past the per-user cap) makes that viewer
 *   poll its log instead, as the dashboard does, and is counted.
 * Viewers are spread over the tokens given (`auths[v % auths.length]`): one user may hold only
 * LOG_TAIL_LIMITS.perUser streams. Answers the parent with the latencies of each kind of poll,
 * how many were 304, each viewer's first load apart (a page being opened, not a poll), and the
 * streams' lag and volume.
 */
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export type ViewersMode = 'poll' | 'stream';

/**
 * The dashboard's run poll: the summary, its ETag blind to lines being added (the viewer takes
 * the level counts from the log). `RUN_POLL=plain`: the poll before that (`view=summary` alone,
 * a 200 whenever a line was written), for an A/B in one tree.
 */
const RUN_QUERY =
  process.env.RUN_POLL === 'plain' ? 'view=summary' : 'view=summary&ignoreLogCounts=true';

/** The log poll of a view scrolled away from the end: the count alone, or (`plain`) the lines. */
const LOG_POLL: 'count' | 'plain' = process.env.LOG_POLL === 'plain' ? 'plain' : 'count';

export interface ViewersTask {
  base: string;
  /** `Bearer …` headers; viewer v uses auths[v % auths.length]. */
  auths: string[];
  runs: { run: string; node: string }[];
  viewers: number;
  seconds: number;
  mode: ViewersMode;
}

export interface ViewersResult {
  /** Latencies of the polls (every request after a viewer's first load). */
  run: number[];
  logs: number[];
  /** Latencies of each viewer's first load (the run, then its log's tail), not polls. */
  first: number[];
  notModified: { run: number; logs: number };
  /** Lines and bytes (decoded text) the viewers received, polled or streamed. */
  lines: number;
  bytes: number;
  stream: {
    /** Time to each stream's response headers. */
    open: number[];
    opened: number;
    /** Answered 429 (or anything but a stream): that viewer polled its log instead. */
    refused: number;
    /** Ended by the server before the phase did (end event, lifetime, error). */
    closedEarly: number;
    events: number;
    /** Delivery lag of every streamed line (ms): p50, p99, max; null without lines. */
    lag: { p50: number; p99: number; max: number; n: number } | null;
  };
  /** This process's own event-loop delay p99 (ms): a busy client inflates the lag it measures. */
  clientLoopP99: number;
  /**
   * Each poll's latency beside the server's own account of it (its `Server-Timing` header, when
   * the server times requests): [kind, ms, app, pool, db]; the rest of `ms` is outside the
   * server's handlers (the socket, the server's and this process's queues, the body's send).
   */
  timed: [
    kind: 'run' | 'logs',
    ms: number,
    app: number,
    pool: number,
    db: number,
    /** To the response's headers (the rest of `ms`: the body's transfer, inflating, parsing). */
    headers: number,
    /** Waiting for lookups shared with other requests (part of `app`). */
    shared: number,
    /** From fetch called here to the server's handler entered (both on the wall clock). */
    before: number,
    /** Of `before`: fetch called → the request written to its socket, in this process. */
    queued: number,
    /** 1 when it was the first request on its connection. */
    fresh: number,
    /** For the first on a connection: from the server's accept to its handler. */
    sinceAccept: number,
  ][];
  /** This process's own event-loop delay at most (ms). */
  clientLoopMax: number;
}

const POLL_MS = 2000;
const PAGE_SIZE = 200;
const MAX_FETCH = 10_000;

/** Lag histogram, 1 ms buckets up to 2 minutes: percentiles without keeping every sample. */
class Histogram {
  private readonly buckets = new Uint32Array(120_001);
  n = 0;
  max = 0;
  add(ms: number) {
    const b = Math.min(this.buckets.length - 1, Math.max(0, Math.round(ms)));
    this.buckets[b]!++;
    this.n++;
    this.max = Math.max(this.max, ms);
  }
  pct(p: number) {
    const target = Math.min(this.n - 1, Math.floor(this.n * p));
    let seen = 0;
    for (let b = 0; b < this.buckets.length; b++) {
      seen += this.buckets[b]!;
      if (seen > target) return b;
    }
    return this.max;
  }
}

/**
 * `app;dur=1.2, pool;dur=0.1, db;dur=0.8, shared;dur=0.3, start;dur=<epoch ms>` (http/timing.ts)
 * as [app, pool, db, shared, start]; null without.
 */
function serverTiming(header: string | null): ServerTiming | null {
  if (!header) return null;
  const dur = (name: string) =>
    Number(new RegExp(`${name};dur=([\\d.]+)`).exec(header)?.[1] ?? NaN);
  return [
    dur('app'),
    dur('pool'),
    dur('db'),
    dur('shared'),
    dur('start'),
    /(^|, )new[;,]|(^|, )new$/.test(header) ? 1 : 0,
    dur('new'),
  ];
}

type ServerTiming = [
  app: number,
  pool: number,
  db: number,
  shared: number,
  start: number,
  /** 1: the first request on its connection (which the server had to accept first). */
  fresh: number,
  /** For the first on a connection: from its accept to the handler (ms). */
  sinceAccept: number,
];

/**
 * When fetch's undici wrote each request's headers to its socket (performance.now()), by the
 * request's `x-bench-id`: a poll's wait before the server's handler splits into this process's
 * own (fetch called → written) and the rest (the socket, the server's queue).
 */
const written = new Map<string, number>();
subscribe('undici:client:sendHeaders', (message) => {
  const { headers } = (message as { request: { headers: string | string[] } }).request;
  let id: string | undefined;
  if (typeof headers === 'string') id = /x-bench-id: *(\S+)/i.exec(headers)?.[1];
  else {
    const k = headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-bench-id');
    id = k >= 0 ? headers[k + 1] : undefined;
  }
  if (id) written.set(id, performance.now());
});
let nextId = 0;

async function viewers(task: ViewersTask): Promise<ViewersResult> {
  const result: ViewersResult = {
    run: [],
    logs: [],
    first: [],
    notModified: { run: 0, logs: 0 },
    lines: 0,
    bytes: 0,
    stream: { open: [], opened: 0, refused: 0, closedEarly: 0, events: 0, lag: null },
    clientLoopP99: 0,
    clientLoopMax: 0,
    timed: [],
  };
  const lag = new Histogram();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const get = async (
    auth: string,
    p: string,
    etag: string | null,
  ): Promise<{
    ms: number;
    headers: number;
    status: number;
    etag: string | null;
    body: unknown;
    timing: ServerTiming | null;
    /** When fetch was called, on the wall clock (ms since the epoch). */
    sent: number;
    /** From fetch called to the request written to its socket (NaN: not seen). */
    queued: number;
  }> => {
    const id = String(++nextId);
    const t0 = performance.now();
    const sent = performance.timeOrigin + t0;
    const res = await fetch(`${task.base}${p}`, {
      headers: {
        'x-bench-id': id,
        authorization: auth,
        'accept-encoding': 'gzip',
        ...(etag ? { 'if-none-match': etag } : {}),
      },
    });
    const headers = performance.now() - t0;
    const writtenAt = written.get(id);
    written.delete(id);
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status >= 400) throw new Error(`GET ${p}: ${res.status} ${text}`);
    result.bytes += text.length;
    return {
      ms,
      headers,
      status: res.status,
      etag: res.headers.get('etag'),
      body: text ? (JSON.parse(text) as unknown) : null,
      timing: serverTiming(res.headers.get('server-timing')),
      sent,
      queued: writtenAt === undefined ? NaN : writtenAt - t0,
    };
  };
  const timed = (
    kind: 'run' | 'logs',
    r: { ms: number; headers: number; sent: number; queued: number; timing: ServerTiming | null },
  ) => {
    if (!r.timing) return;
    const [app, pool, db, shared, start, fresh, sinceAccept] = r.timing;
    result.timed.push([
      kind,
      r.ms,
      app,
      pool,
      db,
      r.headers,
      shared,
      start - r.sent,
      r.queued,
      fresh,
      sinceAccept,
    ]);
  };
  const until = performance.now() + task.seconds * 1000;
  const stop = new AbortController();
  const phaseOver = sleep(task.seconds * 1000).then(() => stop.abort());

  /**
   * Reads one stream until the phase ends or the server ends it; each `lines` event's lines
   * are counted and their lag recorded. Returns false when the stream was refused.
   */
  const stream = async (auth: string, node: string, cursor: string): Promise<boolean> => {
    const t0 = performance.now();
    let res: Response;
    try {
      res = await fetch(`${task.base}/workflows/nodes/runs/${node}/logs/stream?cursor=${cursor}`, {
        headers: {
          authorization: auth,
          // STREAM_ENCODING=identity: the stream uncompressed (a diagnosis of gzip's share of the lag).
          'accept-encoding': process.env.STREAM_ENCODING ?? 'gzip',
          accept: 'text/event-stream',
        },
        signal: stop.signal,
      });
    } catch (err) {
      if (stop.signal.aborted) return true;
      throw err;
    }
    if (res.status !== 200 || !res.body) {
      await res.text().catch(() => '');
      result.stream.refused++;
      return false;
    }
    result.stream.open.push(performance.now() - t0);
    result.stream.opened++;
    let buffer = '';
    const onEvent = (block: string) => {
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a heartbeat comment
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
        if (field === 'event') event = value;
        else if (field === 'data') data = data ? `${data}\n${value}` : value;
      }
      if (event !== 'lines') return;
      const now = Date.now();
      result.stream.events++;
      result.bytes += data.length;
      const { logs } = JSON.parse(data) as { logs: { createdAt: string }[] };
      result.lines += logs.length;
      for (const l of logs) lag.add(now - Date.parse(l.createdAt));
    };
    try {
      for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      if (!stop.signal.aborted) result.stream.closedEarly++;
    } catch (err) {
      if (!stop.signal.aborted) throw err;
    }
    return true;
  };

  await Promise.all(
    Array.from({ length: task.viewers }, async (_, v) => {
      const { run, node } = task.runs[v % task.runs.length]!;
      const auth = task.auths[v % task.auths.length]!;
      let runTag: string | null = null;
      let logTag: { cursor: string; etag: string } | null = null;
      let cursor: string | null = null;
      // Spread the viewers over the period, as independent browsers would be.
      await sleep(Math.random() * POLL_MS);
      let firstLoad = true;
      let streaming: Promise<boolean> | null = null;
      let polledLog = task.mode === 'poll';
      while (performance.now() < until) {
        const started = performance.now();
        const r = await get(auth, `/workflows/runs/${run}?${RUN_QUERY}`, runTag);
        (firstLoad ? result.first : result.run).push(r.ms);
        if (!firstLoad) timed('run', r);
        if (r.status === 304) result.notModified.run++;
        runTag = r.etag ?? runTag;
        if (firstLoad || polledLog) {
          const logsPath = `/workflows/nodes/runs/${node}/logs`;
          const counting = cursor !== null && LOG_POLL === 'count' && task.mode === 'poll';
          // The ETag is kept per query: a count's stays valid for the next count.
          const tagKey = counting ? 'total=only' : cursor;
          const l: Awaited<ReturnType<typeof get>> = await (cursor === null
            ? get(auth, `${logsPath}?tail=true&limit=${PAGE_SIZE}`, null)
            : get(
                auth,
                counting
                  ? `${logsPath}?total=only`
                  : `${logsPath}?cursor=${cursor}&limit=${MAX_FETCH}`,
                logTag?.cursor === tagKey ? logTag.etag : null,
              ));
          (firstLoad ? result.first : result.logs).push(l.ms);
          if (!firstLoad) timed('logs', l);
          if (l.status === 304) result.notModified.logs++;
          else {
            if (tagKey !== null && l.etag) logTag = { cursor: tagKey, etag: l.etag };
            const body = l.body as { logs: unknown[]; nextCursor: string | null };
            result.lines += body.logs.length;
            cursor = body.nextCursor ?? cursor;
          }
        }
        if (firstLoad && task.mode === 'stream') {
          // The tail's next cursor is where the stream starts (an empty log: from the start).
          streaming = stream(auth, node, cursor ?? '0').then((ok) => {
            if (!ok) polledLog = true;
            return ok;
          });
        }
        firstLoad = false;
        await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
      }
      await streaming;
    }),
  );
  await phaseOver;
  loop.disable();
  result.clientLoopP99 = loop.percentile(99) / 1e6;
  result.clientLoopMax = loop.max / 1e6;
  result.stream.lag = lag.n
    ? { p50: lag.pct(0.5), p99: lag.pct(0.99), max: lag.max, n: lag.n }
    : null;
  return result;
}

process.on('message', (task: ViewersTask) => {
  viewers(task).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
