/**
 * The viewers of `bench/load.ts`, in their own process (forked by it): their fetches, JSON
 * parsing and timers must not share the server's event loop, or the latencies would count the
 * client's own work and the server would be slowed by it; a browser is another process too.
 *
 * Each viewer polls as the dashboard does (src/lib/polling.ts, src/components/log-viewer/):
 * every 2 s the run with `view=summary` and If-None-Match, and its node's log — first the tail
 * (200 lines), then from its cursor (up to 10 000 lines) with If-None-Match. Answers the parent
 * with the latencies of each kind of poll and how many were 304, and apart from them those of
 * each viewer's first load (a page being opened, not a poll).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface ViewersTask {
  base: string;
  auth: string;
  runs: { run: string; node: string }[];
  viewers: number;
  seconds: number;
}

export interface ViewersResult {
  /** Latencies of the polls (every request after a viewer's first load). */
  run: number[];
  logs: number[];
  /** Latencies of each viewer's first load (the run, then its log's tail), not polls. */
  first: number[];
  notModified: { run: number; logs: number };
  lines: number;
  bytes: number;
}

const POLL_MS = 2000;
const PAGE_SIZE = 200;
const MAX_FETCH = 10_000;

async function viewers(task: ViewersTask): Promise<ViewersResult> {
  const result: ViewersResult = {
    run: [],
    logs: [],
    first: [],
    notModified: { run: 0, logs: 0 },
    lines: 0,
    bytes: 0,
  };
  const get = async (
    p: string,
    etag: string | null,
  ): Promise<{ ms: number; status: number; etag: string | null; body: unknown }> => {
    const t0 = performance.now();
    const res = await fetch(`${task.base}${p}`, {
      headers: {
        authorization: task.auth,
        'accept-encoding': 'gzip',
        ...(etag ? { 'if-none-match': etag } : {}),
      },
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status >= 400) throw new Error(`GET ${p}: ${res.status} ${text}`);
    result.bytes += text.length;
    return {
      ms,
      status: res.status,
      etag: res.headers.get('etag'),
      body: text ? (JSON.parse(text) as unknown) : null,
    };
  };
  const until = performance.now() + task.seconds * 1000;
  await Promise.all(
    Array.from({ length: task.viewers }, async (_, v) => {
      const { run, node } = task.runs[v % task.runs.length]!;
      let runTag: string | null = null;
      let logTag: { cursor: string; etag: string } | null = null;
      let cursor: string | null = null;
      // Spread the viewers over the period, as independent browsers would be.
      await sleep(Math.random() * POLL_MS);
      let firstLoad = true;
      while (performance.now() < until) {
        const started = performance.now();
        const r = await get(`/workflows/runs/${run}?view=summary`, runTag);
        (firstLoad ? result.first : result.run).push(r.ms);
        if (r.status === 304) result.notModified.run++;
        runTag = r.etag ?? runTag;
        const logsPath = `/workflows/nodes/runs/${node}/logs`;
        const l: Awaited<ReturnType<typeof get>> = await (cursor === null
          ? get(`${logsPath}?tail=true&limit=${PAGE_SIZE}`, null)
          : get(
              `${logsPath}?cursor=${cursor}&limit=${MAX_FETCH}`,
              logTag?.cursor === cursor ? logTag.etag : null,
            ));
        (firstLoad ? result.first : result.logs).push(l.ms);
        firstLoad = false;
        if (l.status === 304) result.notModified.logs++;
        else {
          if (cursor !== null && l.etag) logTag = { cursor, etag: l.etag };
          const body = l.body as { logs: unknown[]; nextCursor: string | null };
          result.lines += body.logs.length;
          cursor = body.nextCursor ?? cursor;
        }
        await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
      }
    }),
  );
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
