import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowTrends } from '../../contract/trends';
import type { WorkflowRun } from '../../contract/workflows';
import { startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createLinearWorkflow,
  createWorkflow,
  nodeRunOf,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';

const DAY0 = Date.parse('2026-03-01T00:00:00Z');
let t: TestServer;

/**
 * A run of trigger → work whose work node ends `seconds` after the run started at `at` with
 * `result`: run through the API, then moved to `at` (tokens would expire under a jumping clock).
 */
async function pastRun(
  at: number,
  seconds: number,
  result: 'SUCCESS' | 'FAILED' = 'SUCCESS',
  as: 'admin' | 'member' = 'admin',
) {
  const run = await startRun(t, 'private-flow', as);
  await completeNode(t, nodeRunOf(run, 'work').identifier, result);
  const start = new Date(at).toISOString();
  const end = new Date(at + seconds * 1000).toISOString();
  await t.database.db.execute(sql`
    UPDATE workflow_runs SET created_at = ${start}, completed_at = ${end}
    WHERE identifier = ${run.identifier}`);
  await t.database.db.execute(sql`
    UPDATE node_runs SET created_at = ${start},
      completed_at = CASE WHEN node_identifier = 'work' THEN ${end}::timestamptz ELSE ${start}::timestamptz END
    WHERE workflow_run_identifier = ${run.identifier}`);
  return run;
}

let failedRun: WorkflowRun;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'private-flow', { allowAnyoneToViewRuns: false });
  const h = 3_600_000;
  // Hand-computed set: admin's work durations 10, 20, 30, 40 s (the 40 s one fails) and the
  // member's 100 s, on days 1 and 2; nothing on day 3.
  await pastRun(DAY0 + 1 * h, 10);
  await pastRun(DAY0 + 2 * h, 20);
  await pastRun(DAY0 + 26 * h, 30);
  failedRun = await pastRun(DAY0 + 27 * h, 40, 'FAILED');
  await pastRun(DAY0 + 28 * h, 100, 'SUCCESS', 'member');
});
afterAll(async () => t.close());

async function trends(query: string, as: 'admin' | 'member' = 'admin') {
  const res = await t.api(as, 'GET', `/workflows/private-flow/trends?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.trends as WorkflowTrends;
}

const from = new Date(DAY0).toISOString();
const to = new Date(DAY0 + 3 * 86_400_000).toISOString();

describe('GET /v1/workflows/{workflowId}/trends', () => {
  it('computes percentiles of run and node durations like percentile_cont by hand', async () => {
    const all = await trends(`from=${from}&to=${to}`);
    expect(all.summary).toMatchObject({ runs: 5, success: 4, failed: 1, successRate: 0.8 });
    // [10, 20, 30, 40, 100] s: p50 = 30; p95 at rank 0.95 * 4 = 3.8 → 40 + 0.8 * (100 - 40) = 88.
    expect(all.summary.p50Ms).toBeCloseTo(30_000, 3);
    expect(all.summary.p95Ms).toBeCloseTo(88_000, 3);
    expect(all.nodes).toHaveLength(1);
    expect(all.nodes[0]).toMatchObject({ nodeIdentifier: 'work', runs: 5, failures: 1 });
    expect(all.nodes[0]!.p50Ms).toBeCloseTo(30_000, 3);
    expect(all.nodes[0]!.p95Ms).toBeCloseTo(88_000, 3);
  });

  it('counts only the runs the caller may view', async () => {
    const mine = await trends(`from=${from}&to=${to}`, 'member');
    expect(mine.summary).toMatchObject({ runs: 1, success: 1, failed: 0 });
    expect(mine.summary.p50Ms).toBeCloseTo(100_000, 3);
    expect(mine.points.map((p) => p.durationMs)).toEqual([100_000]);
    expect(mine.nodes[0]).toMatchObject({ runs: 1, failures: 0 });
  });

  it('buckets runs by UTC day, empty days included, and splits the range in halves', async () => {
    const all = await trends(`from=${from}&to=${to}`);
    expect(all.bucket).toBe('day');
    expect(all.buckets.map((b) => [b.start, b.success, b.failed])).toEqual([
      ['2026-03-01T00:00:00.000Z', 2, 0],
      ['2026-03-02T00:00:00.000Z', 2, 1],
      ['2026-03-03T00:00:00.000Z', 0, 0],
    ]);
    expect(all.buckets[0]!.p50Ms).toBeCloseTo(15_000, 3);
    expect(all.buckets[2]!.p50Ms).toBeNull();
    // Halves of 3 days split at 36 h: all five before (median 30 s), nothing after.
    expect(all.nodes[0]!.firstHalfP50Ms).toBeCloseTo(30_000, 3);
    expect(all.nodes[0]!.secondHalfP50Ms).toBeNull();
    expect(all.points.map((p) => p.result)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'FAILED',
      'SUCCESS',
    ]);
  });

  it('answers 422 for a backwards range and 404 for an unknown workflow', async () => {
    const backwards = await t.api(
      'admin',
      'GET',
      `/workflows/private-flow/trends?from=${from}&to=2020-01-01T00:00:00Z`,
    );
    expect(backwards.status).toBe(422);
    expect(backwards.body).toMatchObject({ ok: false, error: 'invalid_request' });
    const missing = await t.api('admin', 'GET', `/workflows/nope/trends?from=${from}`);
    expect(missing.status).toBe(404);
    const noFrom = await t.api('admin', 'GET', `/workflows/private-flow/trends`);
    expect(noFrom.status).toBe(422);
  });
});

describe('GET /v1/workflows/runs?failedNode=', () => {
  it('lists only runs in which that node failed', async () => {
    const res = await t.api('admin', 'GET', '/workflows/runs?failedNode=work');
    expect(res.status).toBe(200);
    expect(res.body.workflowRuns.map((r: WorkflowRun) => r.identifier)).toEqual([
      failedRun.identifier,
    ]);
    const none = await t.api('admin', 'GET', '/workflows/runs?failedNode=trigger');
    expect(none.body.workflowRuns).toEqual([]);
  });
});

describe('node_run_durations (what the per-node trends read)', () => {
  /** The node runs the per-node trends count, derived from node_runs and workflow_runs. */
  const derived = async () =>
    (
      (await t.database.db.execute(sql`
        SELECT n.identifier AS node_run_identifier, wr.workflow_identifier, wr.created_at AS run_created_at,
          n.node_identifier, n.node_title,
          (extract(epoch FROM n.completed_at - n.created_at) * 1000)::float8 AS duration_ms,
          n.result IS NOT DISTINCT FROM 'FAILED' AS failed, wr.allow_anyone_to_view, wr.created_by
        FROM node_runs n JOIN workflow_runs wr ON wr.identifier = n.workflow_run_identifier
        WHERE n.status = 'COMPLETED' AND n.reused_from IS NULL
          AND n.node_config_type NOT LIKE '%TRIGGER'
        ORDER BY 1`)) as unknown as { rows: unknown[] }
    ).rows;
  interface Mirrored {
    workflow_identifier: string;
    node_identifier: string;
    created_by: string;
    failed: boolean;
  }
  const mirrored = async () =>
    (
      (await t.database.db.execute(sql`
        SELECT node_run_identifier, workflow_identifier, run_created_at, node_identifier, node_title,
          duration_ms, failed, allow_anyone_to_view, created_by
        FROM node_run_durations ORDER BY 1`)) as unknown as { rows: Mirrored[] }
    ).rows;

  it('follows node_runs through completion, cancel, re-run with re-used nodes and run moves', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'mirror-flow',
        ['trigger', 'a', 'b'],
        [
          ['trigger', 'a'],
          ['a', 'b'],
        ],
      ),
    );
    const run = await startRun(t, 'mirror-flow', 'member');
    await completeNode(t, nodeRunOf(run, 'a').identifier);
    const withB = await t.api('member', 'GET', `/workflows/runs/${run.identifier}`);
    const b = (withB.body.workflowRun as WorkflowRun).nodeRuns.find(
      (n) => n.node.identifier === 'b',
    )!;
    await completeNode(t, b.identifier);
    // A re-run from b re-uses a (copied, did not run); b is then marked FAILED by a person.
    const res = await t.api('admin', 'POST', `/workflows/runs/${run.identifier}/rerun`, {
      fromNode: 'b',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const copy = res.body.workflowRun as WorkflowRun;
    expect(copy.nodeRuns.some((n) => n.reusedFrom !== null)).toBe(true);
    const marked = await t.api('admin', 'POST', `/workflows/runs/${copy.identifier}/complete`, {
      result: 'FAILED',
      reason: 'stuck',
    });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    // A run cancelled while its node runs.
    const third = await startRun(t, 'mirror-flow');
    const cancelled = await t.api('admin', 'POST', `/workflows/runs/${third.identifier}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBeLessThan(300);
    // Rows inserted already completed, in bulk, as the demo seed and the benches do.
    await t.database.db.execute(sql`
      INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type,
        status, result, output, created_at, updated_at, completed_at)
      VALUES ('wfnr_bulk_done', ${run.identifier}, 'c', 'WEBHOOK', 'COMPLETED', 'SUCCESS', '{}',
          now(), now(), now() + interval '3 seconds'),
        ('wfnr_bulk_open', ${run.identifier}, 'c', 'WEBHOOK', 'IN_PROGRESS', NULL, '{}',
          now(), now(), NULL)`);
    // A run moved in time (as the demo seed and the tests above do) carries its copy along.
    await t.database.db.execute(sql`
      UPDATE workflow_runs SET created_at = '2026-02-01T00:00:00Z' WHERE identifier = ${run.identifier}`);

    const expected = await derived();
    expect(expected.length).toBeGreaterThan(5);
    expect(await mirrored()).toEqual(expected);
    const mine = (await mirrored()).filter((r) => r.workflow_identifier === 'mirror-flow');
    expect(mine.map((r) => [r.node_identifier, r.created_by])).toEqual(
      expect.arrayContaining([
        ['a', 'user_member'],
        ['b', 'user_member'],
        ['b', 'user_admin'],
      ]),
    );
    expect(mine.filter((r) => r.node_identifier === 'c')).toHaveLength(1);
    expect(mine.filter((r) => r.node_identifier === 'a')).toHaveLength(1); // the re-used a is left out
    expect(mine.filter((r) => r.failed).map((r) => r.created_by)).toEqual(['user_admin']);
  });
});
