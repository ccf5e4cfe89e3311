/**
 * Log download at scale: one node run with 2 000 000 lines (inserted with generate_series), then
 * GET …/logs/download over real HTTP, the client counting lines as they arrive and keeping
 * nothing. Samples this process's heap and RSS (server and client share it) every 50 ms. The
 * peer is what a page without a server download does: page the JSON log API by cursor (10 000 a
 * page) and gather the text in memory before saving it.
 *
 *   npx tsx bench/log-download.ts [lines=2000000]
 */
import { sql } from 'drizzle-orm';
import { openBenchDatabase, serveBenchApp } from './support';
import { INGEST_BLOCKS } from './bench-log-lines';

const LINES = Number(process.argv[2] ?? 2_000_000);
const MB = 1024 * 1024;

/** Runs `work` while sampling memory; answers its result with the peaks above the start. */
async function sampled<T>(work: () => Promise<T>) {
  global.gc?.();
  const start = process.memoryUsage();
  let heap = 0;
  let rss = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed - start.heapUsed);
    rss = Math.max(rss, m.rss - start.rss);
  }, 50);
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { result, seconds, heapMb: heap / MB, rssMb: rss / MB };
}

async function main() {
  const { db, close: closeDatabase } = await openBenchDatabase();
  const t0 = performance.now();
  await db.execute(sql`
    INSERT INTO workflows (identifier, title, nodes, connections, version, created_by, updated_by, created_at, updated_at)
    VALUES ('bench', 'Bench', '[{"identifier":"trigger","config":{"type":"SELF_SERVE_TRIGGER"},"onFailure":"terminate"},{"identifier":"work","config":{"type":"WEBHOOK"},"onFailure":"terminate"}]',
            '[{"sourceIdentifier":"trigger","targetIdentifier":"work"}]', 1, 'user_admin', 'user_admin', now(), now())`);
  await db.execute(sql`
    INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, title, status, result, outputs, inputs, created_by, created_at, updated_at, completed_at, log_seq)
    VALUES ('wfr_0000000000000001', 'bench', 1, 'Bench', 'COMPLETED', 'SUCCESS', '{}', '{}', 'user_admin', now(), now(), now(), ${LINES})`);
  await db.execute(sql`
    INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type, status, result, output, created_at, updated_at, completed_at, log_seq, info_count)
    VALUES ('wfnr_0000000000000001', 'wfr_0000000000000001', 'work', 'WEBHOOK', 'COMPLETED', 'SUCCESS', '{}', now(), now(), now(), ${LINES}, ${LINES})`);
  for (let from = 1; from <= LINES; from += 500_000) {
    const to = Math.min(LINES, from + 499_999);
    await db.execute(sql`
      INSERT INTO log_lines_in (run_key, node_key, seq, run_seq, level, message, created_at)
      SELECT (SELECT log_key FROM workflow_runs WHERE identifier = 'wfr_0000000000000001'),
             (SELECT log_key FROM node_runs WHERE identifier = 'wfnr_0000000000000001'), g, g, 'INFO',
             'processed item ' || g || ' of batch ' || (g / 1000) || ' in ' || (g % 97) || 'ms', now()
      FROM generate_series(${from}::int, ${to}::int) g ${sql.raw(INGEST_BLOCKS)}`);
  }
  await db.execute(sql`ANALYZE`);
  console.log(`seeded ${LINES} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const { base, token, close: closeServer } = await serveBenchApp(db);
  const accessToken = await token();
  const headers = { authorization: `Bearer ${accessToken}` };

  const streamed = await sampled(async () => {
    const res = await fetch(`${base}/workflows/nodes/runs/wfnr_0000000000000001/logs/download`, {
      headers,
    });
    let lines = 0;
    let bytes = 0;
    let firstByteMs = 0;
    const t = performance.now();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!firstByteMs) firstByteMs = performance.now() - t;
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    return { lines, bytes, firstByteMs };
  });

  const gathered = await sampled(async () => {
    const parts: string[] = [];
    let cursor = '0';
    for (;;) {
      const res = await fetch(
        `${base}/workflows/nodes/runs/wfnr_0000000000000001/logs?cursor=${cursor}&limit=10000`,
        { headers },
      );
      const page = (await res.json()) as { logs: { seq: number; log: string }[] };
      for (const l of page.logs) parts.push(`${l.seq}  ${l.log}`);
      if (page.logs.length < 10_000) break;
      cursor = String(page.logs[page.logs.length - 1]!.seq);
    }
    const text = parts.join('\n');
    return { lines: parts.length, bytes: text.length };
  });

  console.log(`\n${LINES.toLocaleString('en-US')} lines, one node run:`);
  console.log(
    'how'.padEnd(40),
    'lines'.padStart(10),
    'MB'.padStart(7),
    's'.padStart(7),
    'peak heap MB'.padStart(13),
    'peak RSS MB'.padStart(12),
  );
  const row = (name: string, r: typeof gathered) =>
    console.log(
      name.padEnd(40),
      String(r.result.lines).padStart(10),
      (r.result.bytes / MB).toFixed(0).padStart(7),
      r.seconds.toFixed(1).padStart(7),
      r.heapMb.toFixed(0).padStart(13),
      r.rssMb.toFixed(0).padStart(12),
    );
  row('Runboard: GET …/logs/download (stream)', streamed);
  row('peer: page the JSON API, gather, save', gathered);
  console.log(`first byte of the download after ${streamed.result.firstByteMs.toFixed(0)} ms`);

  await closeServer();
  await closeDatabase();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
