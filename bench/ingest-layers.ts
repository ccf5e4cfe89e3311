/**
 * Where a log batch's time goes (issue 17, ingest): 8 writers x 100-line batches on 8 node runs of
 * a fresh embedded PostgreSQL, each phase for 6 s, twice, through successively fewer layers:
 *   http    - the app in process (app.request: JSON, auth, zod, the service), no sockets;
 *   service - postNodeRunLogs: the log ingest (services/log-ingest.ts), which writes the batches
 *             queued meanwhile in one transaction (lock, checks, one insert statement);
 *   append  - appendNodeRunLogs alone in a transaction (its reads outside it);
 *   append1 - the same with one writer.
 * `bigout` first gives every run and node run a 1 MB output (a node that reported a big output
 * and goes on logging); `notrig` also disables the change-stamp triggers.
 *
 *   npx tsx bench/ingest-layers.ts [http] [service] [append] [append1] [bigout] [notrig]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbedded } from '../server/db/client';
import { postNodeRunLogs } from '../server/services/node-runs';
import { findNodeRun, findWorkflowRun, appendNodeRunLogs } from '../server/db/workflow-runs';
import { inProcessApi, workNodeRuns } from './in-process-api';

const dir = mkdtempSync(path.join(tmpdir(), 'ingestprobe-'));
const database = await openEmbedded({ dataDir: dir });
const { db } = database;
const { call } = await inProcessApi(db);
const nodes = await workNodeRuns(call, 8);
const actor = (await db.query.users.findFirst({ where: (u, { eq }) => eq(u.clientId, 'a') }))!;
const message = (i: number) =>
  `step ${i}: processed batch of records from upstream source, checksum ${(i * 2654435761) % 4294967296} ok`;
const batch = (i: number) =>
  Array.from({ length: 100 }, (_, k) => ({
    level: (k % 10 ? 'INFO' : 'WARN') as 'INFO' | 'WARN',
    message: message(i + k),
  }));

async function phase(
  name: string,
  fn: (node: string, i: number) => Promise<void>,
  seconds = 6,
  writers = 8,
) {
  let lines = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(
    nodes.slice(0, writers).map(async (node) => {
      let i = 0;
      while (performance.now() < until) {
        await fn(node, i);
        i += 100;
        lines += 100;
      }
    }),
  );
  console.log(
    `${name.padEnd(50)} ${Math.round(lines / ((performance.now() - t0) / 1000))} lines/s, server CPU ${(((c) => c.user + c.system)(process.cpuUsage(c0)) / lines).toFixed(2)} µs a line  (load ${loadavg()[0]!.toFixed(2)})`,
  );
}
const modes = process.argv.slice(2);
if (modes.includes('bigout')) {
  const { sql } = await import('drizzle-orm');
  const big = JSON.stringify({
    rows: Array.from({ length: 20000 }, (_, i) => ({ i, name: `item ${i} of the big output` })),
  });
  await db.execute(sql`UPDATE node_runs SET output = ${big}::jsonb WHERE node_identifier = 'work'`);
  await db.execute(
    sql`UPDATE workflow_runs SET outputs = jsonb_build_object('work', ${big}::jsonb)`,
  );
  if (modes.includes('notrig')) {
    await db.execute(sql`ALTER TABLE workflow_runs DISABLE TRIGGER workflow_runs_stamp`);
    await db.execute(sql`ALTER TABLE node_runs DISABLE TRIGGER node_runs_stamp`);
    console.log('stamp triggers disabled');
  }
  console.log(`outputs of ${(big.length / 1e6).toFixed(1)} MB on every run and node run`);
}
for (let round = 0; round < 2; round++) {
  if (modes.includes('http'))
    await phase('in-process HTTP (app.request, JSON, auth, zod)', async (node, i) => {
      await call('POST', `/workflows/nodes/runs/${node}/logs`, { logs: batch(i) });
    });
  if (modes.includes('service'))
    await phase('service postNodeRunLogs (the log ingest)', (node, i) =>
      postNodeRunLogs(db, node, batch(i), { actor: { ...actor, role: 'admin' } }, new Date()),
    );
  if (modes.includes('append'))
    await phase('appendNodeRunLogs alone in a tx (reads outside)', async (node, i) => {
      const nr = (await findNodeRun(db, node))!;
      const run = (await findWorkflowRun(db, nr.workflowRunIdentifier))!;
      await db.transaction((tx) => appendNodeRunLogs(tx, run, nr, batch(i), new Date()));
    });
  if (modes.includes('append1'))
    await phase(
      'appendNodeRunLogs, 1 writer',
      async (node, i) => {
        const nr = (await findNodeRun(db, node))!;
        const run = (await findWorkflowRun(db, nr.workflowRunIdentifier))!;
        await db.transaction((tx) => appendNodeRunLogs(tx, run, nr, batch(i), new Date()));
      },
      6,
      1,
    );
}
await database.close();
rmSync(dir, { recursive: true, force: true });
