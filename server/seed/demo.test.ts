import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow, WorkflowRun } from '../../contract/workflows';
import { selectRows } from '../db/client';
import { decideAdvance } from '../../contract/graph';
import { freshDatabase, startTestServer, type TestServer } from '../test/harness';
import { DEMO_SERVICES } from './demo-catalog';
import { DEFAULT_SCALE, seedDemo, type DemoSeedResult } from './demo';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const SMALL = { runs: 72, hugeLogLines: 5000, bigOutputBytes: 60_000 };

let t: TestServer;
let result: DemoSeedResult;
let runs: WorkflowRun[];
let workflows: Workflow[];

beforeAll(async () => {
  t = await startTestServer();
  result = await seedDemo(t.database.db, { now: NOW, scale: SMALL });
  const list = await t.api('admin', 'GET', '/workflows/runs?limit=1000');
  runs = list.body.workflowRuns;
  workflows = (await t.api('admin', 'GET', '/workflows')).body.workflows;
});
afterAll(async () => t.close());

const workflow = (id: string) => {
  const found = workflows.find((w) => w.identifier === id);
  if (!found) throw new Error(`workflow ${id} was not seeded`);
  return found;
};
const incoming = (w: Workflow, node: string) =>
  w.connections.filter((c) => c.targetIdentifier === node).length;
const outgoing = (w: Workflow, node: string) =>
  w.connections.filter((c) => c.sourceIdentifier === node).length;

describe('seedDemo', () => {
  it('creates a linear, a branching, a many-node and a private workflow', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(4);
    const deploy = workflow('deploy-service');
    expect(deploy.nodes.map((n) => n.identifier)).toEqual([
      'trigger',
      'build',
      'test',
      'deploy',
      'notify',
    ]);
    expect(deploy.nodes.every((n) => outgoing(deploy, n.identifier) <= 1)).toBe(true);
    expect(deploy.nodes.find((n) => n.identifier === 'notify')?.onFailure).toBe('continue');

    const provision = workflow('provision-environment');
    expect(outgoing(provision, 'trigger')).toBe(2);
    expect(incoming(provision, 'verify')).toBe(2);
    expect(JSON.stringify(provision.nodes)).toContain('{{ .outputs.create_resource.resourceId }}');

    const pipeline = workflow('nightly-data-pipeline');
    expect(pipeline.nodes.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...pipeline.nodes.map((n) => incoming(pipeline, n.identifier)))).toBe(5);

    expect(workflow('rotate-secrets').allowAnyoneToViewRuns).toBe(false);
  });

  it('writes the number of runs asked for, all finished, spread over the last 30 days', () => {
    expect(result).toMatchObject({ seeded: true, runs: SMALL.runs });
    expect(runs).toHaveLength(SMALL.runs);
    const times = runs.map((r) => Date.parse(r.createdAt));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW.getTime() - 30 * DAY);
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(20 * DAY);
    expect(runs.every((r) => r.status === 'COMPLETED' && r.completedAt! <= NOW.toISOString())).toBe(
      true,
    );
  });

  it('has runs of every result, by the admin and the member, some tied to entities', () => {
    expect(new Set(runs.map((r) => r.result))).toEqual(new Set(['SUCCESS', 'FAILED', 'CANCELLED']));
    const success = runs.filter((r) => r.result === 'SUCCESS').length / runs.length;
    expect(success).toBeGreaterThan(0.65);
    expect(new Set(runs.map((r) => r.createdBy))).toEqual(new Set(['user_admin', 'user_member']));
    const entities = runs.map((r) => r.entity).filter((e) => e !== null);
    expect(entities.some((e) => DEMO_SERVICES.includes(e))).toBe(true);
  });

  it('finishes every run the way the advance rules would', () => {
    for (const run of runs.filter((r) => r.result !== 'CANCELLED')) {
      const w = workflow(run.workflowIdentifier);
      const states = run.nodeRuns.map((n) => ({
        ...n,
        completedAt: n.completedAt ? new Date(n.completedAt) : null,
      }));
      expect(decideAdvance(w, states), run.identifier).toEqual({
        start: [],
        complete: run.result,
      });
    }
    const failed = runs.find((r) => r.result === 'FAILED')!;
    const failing = failed.nodeRuns.find((n) => n.result === 'FAILED')!;
    expect(failing.logCounts.ERROR).toBeGreaterThan(0);
  });

  it('keeps variables.outputs equal to the node outputs', () => {
    for (const run of runs) {
      const expected = Object.fromEntries(
        run.nodeRuns
          .filter((n) => Object.keys(n.output).length > 0)
          .map((n) => [n.nodeIdentifier, n.output]),
      );
      expect(run.variables.outputs, run.identifier).toEqual(expected);
    }
  });

  it('writes lines of all four levels, some with tags', async () => {
    const rows = await selectRows<{ level: string; tagged: number }>(
      t.database.db,
      sql`SELECT level, count(*) FILTER (WHERE tags IS NOT NULL)::int AS tagged
          FROM log_lines GROUP BY level`,
    );
    expect(rows.map((r) => r.level).sort()).toEqual(['DEBUG', 'ERROR', 'INFO', 'WARN']);
    expect(rows.some((r) => r.tagged > 0)).toBe(true);
  });

  it('keeps log counters and sequence numbers consistent with the rows', async () => {
    const badNodeRuns = await selectRows<{ identifier: string }>(
      t.database.db,
      sql`SELECT n.identifier FROM node_runs n
          LEFT JOIN (SELECT node_key, count(*)::int AS c, min(seq) AS lo, max(seq) AS hi,
                       count(*) FILTER (WHERE level = 'DEBUG')::int AS d,
                       count(*) FILTER (WHERE level = 'INFO')::int AS i,
                       count(*) FILTER (WHERE level = 'WARN')::int AS w,
                       count(*) FILTER (WHERE level = 'ERROR')::int AS e
                     FROM log_lines GROUP BY node_key) l
            ON l.node_key = n.log_key
          WHERE coalesce(l.c, 0) <> n.log_seq
             OR (l.c > 0 AND (l.lo <> 1 OR l.hi <> l.c))
             OR n.debug_count <> coalesce(l.d, 0) OR n.info_count <> coalesce(l.i, 0)
             OR n.warn_count <> coalesce(l.w, 0) OR n.error_count <> coalesce(l.e, 0)`,
    );
    expect(badNodeRuns).toEqual([]);
    const badRuns = await selectRows<{ identifier: string }>(
      t.database.db,
      sql`SELECT r.identifier FROM workflow_runs r
          LEFT JOIN (SELECT run_key, count(*)::int AS c, min(run_seq) AS lo,
                       max(run_seq) AS hi
                     FROM log_lines GROUP BY run_key) l
            ON l.run_key = r.log_key
          WHERE coalesce(l.c, 0) <> r.log_seq OR (l.c > 0 AND (l.lo <> 1 OR l.hi <> l.c))`,
    );
    expect(badRuns).toEqual([]);
  });

  it('writes one huge log and one big output that the API serves', async () => {
    expect(result.hugeLog?.size).toBe(SMALL.hugeLogLines);
    const huge = result.hugeLog!;
    const page = await t.api(
      'admin',
      'GET',
      `/workflows/nodes/runs/${huge.nodeRun}/logs?limit=10000`,
    );
    expect(page.body.total).toBe(SMALL.hugeLogLines);
    expect(page.body.logs.map((l: { seq: number }) => l.seq).slice(0, 3)).toEqual([1, 2, 3]);

    expect(result.bigOutput!.size).toBeGreaterThan(SMALL.bigOutputBytes);
    const run = await t.api('admin', 'GET', `/workflows/runs/${result.bigOutput!.workflowRun}`);
    const node = (run.body.workflowRun as WorkflowRun).nodeRuns.find(
      (n) => n.identifier === result.bigOutput!.nodeRun,
    )!;
    expect(JSON.stringify(node.output).length).toBeGreaterThan(SMALL.bigOutputBytes);
  });

  it("shows the pipeline's transform step slowing down in its trends, slowest first", async () => {
    const from = new Date(NOW.getTime() - 31 * DAY).toISOString();
    const res = await t.api(
      'admin',
      'GET',
      `/workflows/nightly-data-pipeline/trends?from=${from}&to=${NOW.toISOString()}`,
    );
    expect(res.status).toBe(200);
    const nodes = res.body.trends.nodes as {
      nodeIdentifier: string;
      firstHalfP50Ms: number | null;
      secondHalfP50Ms: number | null;
    }[];
    expect(nodes[0]!.nodeIdentifier).toBe('transform_facts');
    const transform = nodes[0]!;
    expect(transform.secondHalfP50Ms!).toBeGreaterThan(transform.firstHalfP50Ms! * 1.5);
  });

  it('does nothing when workflows exist already', async () => {
    const again = await seedDemo(t.database.db, { now: NOW, scale: SMALL });
    expect(again).toMatchObject({ seeded: false, runs: 0, hugeLog: result.hugeLog });
    const list = await t.api('admin', 'GET', '/workflows/runs?limit=1000');
    expect(list.body.workflowRuns).toHaveLength(SMALL.runs);
  });
});

describe('seedDemo at its default sizes', () => {
  it('writes a node run of 200 000+ lines and an output over 1 MB', async () => {
    const database = await freshDatabase();
    try {
      const seeded = await seedDemo(database.db, { now: NOW, scale: { runs: 24 } });
      expect(seeded.hugeLog!.size).toBe(DEFAULT_SCALE.hugeLogLines);
      expect(seeded.hugeLog!.size).toBeGreaterThanOrEqual(200_000);
      expect(seeded.bigOutput!.size).toBeGreaterThan(1024 * 1024);
    } finally {
      await database.close();
    }
  }, 120_000);
});
