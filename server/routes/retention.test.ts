import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../db/client';
import { RETENTION_LOCK_KEY } from '../db/retention';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';
import { copyTemplate, startTestServer, type TestServer } from '../test/harness';
import { adminClient, startServerProcess, type ServerProcess } from '../test/processes';
import {
  completeNode,
  createLinearWorkflow,
  nodeRunOf,
  patchNode,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';
import { sweepRetention } from '../services/retention';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'kept');
  await seedActionCatalog(t);
});
afterAll(async () => t.close());

const DAY = 86_400_000;

/** A workflow run with `lines` log lines on its work node, finished unless `open`. */
async function runWithLogs(lines: number, open = false) {
  const run = await startRun(t, 'kept');
  const work = nodeRunOf(run, 'work').identifier;
  for (let i = 0; i < lines; i += 100) {
    const n = Math.min(100, lines - i);
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: Array.from({ length: n }, (_, k) => ({ level: 'INFO', message: `line ${i + k}` })),
    });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  }
  // The dispatcher queues the node's work item on its own pass; a node that finished before that
  // pass never gets one (nothing is owed for it). Wait for it, so the sweep has one to delete.
  await expect.poll(() => workItemsOf(work), { timeout: 20_000 }).toBe(1);
  if (!open) await completeNode(t, work);
  const [row] = await selectRows<{ key: number }>(
    t.database.db,
    sql`SELECT log_key AS key FROM workflow_runs WHERE identifier = ${run.identifier}`,
  );
  return { run: run.identifier, work, key: row!.key };
}

/** Moves a run's times back as if it had started and finished `days` days ago. */
async function age(run: string, days: number) {
  const at = new Date(Date.now() - days * DAY).toISOString();
  await t.database.db.execute(
    sql`UPDATE workflow_runs SET created_at = ${at}, updated_at = ${at},
          completed_at = CASE WHEN completed_at IS NULL THEN NULL ELSE ${at}::timestamptz END
        WHERE identifier = ${run}`,
  );
  await t.database.db.execute(
    sql`UPDATE log_blocks SET created_at = ${at}, times = NULL
        WHERE run_key = (SELECT log_key FROM workflow_runs WHERE identifier = ${run})`,
  );
}

async function ageActionRun(id: string, days: number) {
  const at = new Date(Date.now() - days * DAY).toISOString();
  await t.database.db.execute(
    sql`UPDATE action_runs SET created_at = ${at}, updated_at = ${at},
          ended_at = CASE WHEN ended_at IS NULL THEN NULL ELSE ${at}::timestamptz END
        WHERE id = ${id}`,
  );
}

async function count(query: ReturnType<typeof sql>) {
  const [row] = await selectRows<{ n: number }>(t.database.db, query);
  return row!.n;
}

const workItemsOf = (subject: string) =>
  count(sql`SELECT count(*)::int AS n FROM work_items WHERE subject_id = ${subject}`);

/** Lines stored under a run's key (still there or not once the run is gone). */
const logLinesOf = (run: { key: number }) =>
  count(sql`SELECT count(*)::int AS n FROM log_lines WHERE run_key = ${run.key}`);

describe('retention sweep', () => {
  it('deletes finished runs older than N days with their node runs, log lines and work items, and keeps the rest', async () => {
    const old = await runWithLogs(1_250);
    const oldSmall = await runWithLogs(3);
    const recent = await runWithLogs(20);
    const oldOpen = await runWithLogs(10, true);
    await age(old.run, 40);
    await age(oldSmall.run, 31);
    await age(recent.run, 29);
    await age(oldOpen.run, 60);

    const oldAction = await startRunAs(t);
    await t.api('admin', 'POST', `/actions/runs/${oldAction}/logs`, { message: 'old line' });
    expect(
      (await t.api('admin', 'PATCH', `/actions/runs/${oldAction}`, { status: 'SUCCESS' })).status,
    ).toBe(200);
    const recentAction = await startRunAs(t);
    expect(
      (await t.api('admin', 'PATCH', `/actions/runs/${recentAction}`, { status: 'FAILURE' }))
        .status,
    ).toBe(200);
    const openAction = await startRunAs(t);
    await t.api('admin', 'POST', `/actions/runs/${openAction}/logs`, { message: 'still going' });
    await ageActionRun(oldAction, 45);
    await ageActionRun(recentAction, 10);
    await ageActionRun(openAction, 90);
    // The dispatcher's record of the node runs it was owed stays with the run until it goes.
    expect(await workItemsOf(old.work)).toBe(1);
    expect(await workItemsOf(recent.work)).toBe(1);

    // Small batches, so the 1 250 lines of one run take several transactions.
    const report = await sweepRetention(t.database.db, new Date(), {
      days: 30,
      lineBatch: 500,
      runBatch: 1,
    });
    expect(report).toEqual({
      workflowRuns: 2,
      logLines: 1_253,
      logPartitions: 0,
      partitionLines: 0,
      actionRuns: 1,
      skipped: false,
    });

    for (const gone of [old, oldSmall]) {
      expect((await t.api('admin', 'GET', `/workflows/runs/${gone.run}`)).status).toBe(404);
      expect((await t.api('admin', 'GET', `/workflows/nodes/runs/${gone.work}/logs`)).status).toBe(
        404,
      );
      expect(await logLinesOf(gone)).toBe(0);
      expect(
        await count(
          sql`SELECT count(*)::int AS n FROM node_runs WHERE workflow_run_identifier = ${gone.run}`,
        ),
      ).toBe(0);
    }
    expect(await workItemsOf(old.work)).toBe(0);
    expect(await workItemsOf(recent.work)).toBe(1);

    // Newer finished runs and in-progress ones (however old) stay, with their lines.
    for (const [kept, lines] of [
      [recent, 20],
      [oldOpen, 10],
    ] as const) {
      expect((await t.api('admin', 'GET', `/workflows/runs/${kept.run}`)).status).toBe(200);
      const logs = await t.api('admin', 'GET', `/workflows/nodes/runs/${kept.work}/logs`);
      expect(logs.body.total).toBe(lines);
    }
    // The run still open can go on: it writes, then finishes.
    expect(
      (await patchNode(t, oldOpen.work, { logs: [{ logLevel: 'INFO', log: 'later' }] })).status,
    ).toBe(200);

    expect((await t.api('admin', 'GET', `/actions/runs/${oldAction}`)).status).toBe(404);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM action_run_logs WHERE run_id = ${oldAction}`),
    ).toBe(0);
    expect((await t.api('admin', 'GET', `/actions/runs/${recentAction}`)).status).toBe(200);
    const open = await t.api('admin', 'GET', `/actions/runs/${openAction}/logs`);
    expect(open.status).toBe(200);
    expect(open.body.runLogs.map((l: { message: string }) => l.message)).toEqual(['still going']);

    // Nothing left to do: a second sweep deletes nothing.
    expect(await sweepRetention(t.database.db, new Date(), { days: 30 })).toEqual({
      workflowRuns: 0,
      logLines: 0,
      logPartitions: 0,
      partitionLines: 0,
      actionRuns: 0,
      skipped: false,
    });
    // Four runs, each waiting up to 20 s for the dispatcher at worst: a slow one fails in its poll.
  }, 120_000);

  it('leaves the sweep to the server holding its lock', async () => {
    const old = await runWithLogs(5);
    await age(old.run, 100);
    // Another server mid-batch: a transaction of its own (another pool connection) holds the lock.
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${RETENTION_LOCK_KEY})`);
      const report = await sweepRetention(t.database.db, new Date(), { days: 30 });
      expect(report.skipped).toBe(true);
      expect(report.workflowRuns).toBe(0);
      expect(await logLinesOf(old)).toBe(5);
    });
    const report = await sweepRetention(t.database.db, new Date(), { days: 30 });
    expect(report).toMatchObject({ workflowRuns: 1, logLines: 5, skipped: false });
  }, 60_000);
});

describe('retention in server processes', () => {
  const servers: ServerProcess[] = [];
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await copyTemplate();
  });
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    await database.drop();
  });

  it('two servers with RETENTION_DAYS on one database: the old run goes, swept by one of them', async () => {
    const env = { RETENTION_DAYS: '30', RETENTION_SWEEP_MINUTES: '1' };
    const a = await startServerProcess('a', database.url, env);
    servers.push(a);
    const api = await adminClient(a.baseUrl);
    expect(
      (
        await api(
          'POST',
          '/workflows',
          workflowBody('swept', ['trigger', 'work'], [['trigger', 'work']]),
        )
      ).status,
    ).toBe(201);
    const started = await api('POST', '/workflows/swept/runs', {});
    const runId = started.body.workflowRun.identifier as string;
    const work = (
      started.body.workflowRun.nodeRuns as { identifier: string; nodeIdentifier: string }[]
    ).find((n) => n.nodeIdentifier === 'work')!.identifier;
    await api('POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: [{ level: 'INFO', message: 'old' }],
    });
    expect(
      (
        await api('PATCH', `/workflows/nodes/runs/${work}`, {
          status: 'COMPLETED',
          result: 'SUCCESS',
        })
      ).status,
    ).toBe(200);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `UPDATE workflow_runs SET completed_at = now() - interval '31 days' WHERE identifier = $1`,
        [runId],
      );
    } finally {
      await client.end();
    }
    servers.push(await startServerProcess('b', database.url, env));
    // Each server sweeps 5 s after its start; the run is gone within a few seconds of that.
    const deadline = Date.now() + 60_000;
    while ((await api('GET', `/workflows/runs/${runId}`)).status !== 404) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await api('GET', `/workflows/nodes/runs/${work}/logs`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 6_000));
    const reports = servers
      .map((s) => s.output())
      .join('\n')
      .match(/retention: deleted 1 workflow runs \(1 log lines\)/g);
    expect(reports).toHaveLength(1);
    // Both servers maintained the log's partitions on the one database without a conflict.
    expect(servers.map((s) => s.output()).join('\n')).not.toMatch(
      /log partition maintenance failed/,
    );
  }, 120_000);
});
