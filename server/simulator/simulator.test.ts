import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Workflow, WorkflowRun } from '../../contract/workflows';
import { decideAdvance } from '../../contract/graph';
import { seedDemo } from '../seed/demo';
import { seedDemoActions } from '../seed/demo-actions';
import { startTestServer, type TestServer } from '../test/harness';
import { until as waitUntil } from '../test/until';
import { createQuietWorkflow, startRun } from '../test/workflow-fixtures';
import { MAX_IN_PROGRESS, MIN_IN_PROGRESS, startSimulator, type Simulator } from './simulator';

let t: TestServer;
let simulator: Simulator;
let workflows: Workflow[];
/** A run of a workflow of someone's own, left in progress before the simulator starts. */
let ownRun: WorkflowRun;
const simulatorStart = new Date().toISOString();
const tickErrors = vi.spyOn(console, 'error');

beforeAll(async () => {
  t = await startTestServer();
  await seedDemo(t.database.db, {
    now: new Date(),
    scale: { runs: 8, hugeLogLines: 50, bigOutputBytes: 1000 },
  });
  // The catalog, as the server seeds it: the demo workflows' entity inputs name its services.
  await seedDemoActions(t.database.db, { now: new Date() });
  workflows = (await t.api('admin', 'GET', '/workflows')).body.workflows;
  await createQuietWorkflow(t, 'own-backend');
  ownRun = await startRun(t, 'own-backend');
  simulator = startSimulator({ db: t.database.db, tickMs: 20, seed: 7 });
});
afterAll(async () => {
  await simulator.stop();
  await t.close();
  tickErrors.mockRestore();
});

/** The runs the simulator started (the seeded history is all older). */
async function simulatedRuns(): Promise<WorkflowRun[]> {
  const res = await t.api('admin', 'GET', `/workflows/runs?limit=1000&from=${simulatorStart}`);
  expect(res.status).toBe(200);
  return (res.body.workflowRuns as WorkflowRun[]).filter((r) => r.identifier !== ownRun.identifier);
}

/**
 * The simulator's runs take 2–30 ticks a node, and a tick is several queries: on a loaded 2-core
 * machine (load 24) three runs took more than the 30 s the test had, and the probe's run list,
 * asked every 50 ms, competed with those ticks for the same process and database. A wait ends
 * when its condition holds; the budget is what a loaded machine needs; the probe asks less often.
 */
const WAIT_MS = 80_000;
const until = <T>(what: string, probe: () => Promise<T | false | undefined>) =>
  waitUntil(what, probe, { timeoutMs: WAIT_MS, intervalMs: 200 });

const inProgress = (runs: WorkflowRun[]) => runs.filter((r) => r.status !== 'COMPLETED');

describe('startSimulator', { timeout: WAIT_MS + 10_000 }, () => {
  it(`keeps between ${MIN_IN_PROGRESS} and ${MAX_IN_PROGRESS} runs in progress`, async () => {
    await until('runs are in progress', async () => {
      const count = inProgress(await simulatedRuns()).length;
      return count >= MIN_IN_PROGRESS;
    });
    for (let i = 0; i < 10; i++) {
      const count = inProgress(await simulatedRuns()).length;
      expect(count).toBeGreaterThanOrEqual(MIN_IN_PROGRESS);
      expect(count).toBeLessThanOrEqual(MAX_IN_PROGRESS);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('appends log lines to node runs while they are in progress', async () => {
    const line = await until('a node run in progress has lines', async () => {
      for (const run of inProgress(await simulatedRuns())) {
        const node = run.nodeRuns.find(
          (n) => n.status === 'IN_PROGRESS' && Object.values(n.logCounts).some((c) => c > 0),
        );
        if (node) return node;
      }
      return undefined;
    });
    const logs = await t.api('admin', 'GET', `/workflows/nodes/runs/${line.identifier}/logs`);
    expect(logs.body.logs.length).toBeGreaterThan(0);
    expect(logs.body.logs[0].seq).toBe(1);
  });

  it('completes nodes with outputs, and runs finish the way the advance rules say', async () => {
    const finished = await until('three simulated runs have finished', async () => {
      const done = (await simulatedRuns()).filter((r) => r.status === 'COMPLETED');
      return done.length >= 3 && done;
    });
    for (const run of finished) {
      const workflow = workflows.find((w) => w.identifier === run.workflowIdentifier)!;
      const states = run.nodeRuns.map((n) => ({
        ...n,
        completedAt: n.completedAt ? new Date(n.completedAt) : null,
      }));
      expect(decideAdvance(workflow, states), run.identifier).toEqual({
        start: [],
        complete: run.result,
      });
      const completedWork = run.nodeRuns.filter(
        (n) => n.nodeIdentifier !== 'trigger' && n.result === 'SUCCESS',
      );
      for (const node of completedWork) {
        expect(Object.keys(node.output).length, node.identifier).toBeGreaterThan(0);
        expect(run.variables.outputs[node.nodeIdentifier]).toEqual(node.output);
      }
    }
  });

  it('carries on when a node run it drives is completed by someone else', async () => {
    // The simulator may finish the chosen node first; then another one is picked.
    const target = await until('an operator fails a node run in progress', async () => {
      for (const run of inProgress(await simulatedRuns())) {
        // A node whose failure ends the run (not one with onFailure: continue, like the notify step).
        const definition = workflows.find((w) => w.identifier === run.workflowIdentifier);
        const node = run.nodeRuns.find(
          (n) =>
            n.status === 'IN_PROGRESS' &&
            definition?.nodes.find((d) => d.identifier === n.nodeIdentifier)?.onFailure !==
              'continue',
        );
        if (!node) continue;
        const patch = await t.api('admin', 'PATCH', `/workflows/nodes/runs/${node.identifier}`, {
          status: 'COMPLETED',
          result: 'FAILED',
          logs: [{ logLevel: 'ERROR', log: 'Stopped by an operator' }],
        });
        if (patch.status === 200) return { run: run.identifier, node: node.identifier };
      }
      return undefined;
    });
    const run = await t.api('admin', 'GET', `/workflows/runs/${target.run}`);
    expect(run.body.workflowRun.result).toBe('FAILED');

    const before = (await simulatedRuns()).length;
    await until('the simulator starts another run', async () => {
      const runs = await simulatedRuns();
      return runs.length > before && inProgress(runs).length >= MIN_IN_PROGRESS;
    });
    expect(tickErrors).not.toHaveBeenCalled();
  });

  it('drives a run someone started by hand on a demo workflow to success', async () => {
    const started = await t.api('member', 'POST', '/workflows/deploy-service/runs', {
      inputs: { service: 'payments-api', environment: 'staging', version: '1.2.3' },
    });
    expect(started.status).toBe(201);
    const id = started.body.workflowRun.identifier as string;
    const run = await until('the hand-started run completes', async () => {
      const res = await t.api('member', 'GET', `/workflows/runs/${id}`);
      return res.body.workflowRun.status === 'COMPLETED' && (res.body.workflowRun as WorkflowRun);
    });
    expect(run.createdBy).toBe('user_member');
    expect(run.nodeRuns.filter((n) => n.nodeIdentifier !== 'trigger').length).toBeGreaterThan(0);
    expect(run.nodeRuns.every((n) => n.status === 'COMPLETED')).toBe(true);
    expect(run.result).toBe('SUCCESS');
  });

  // A server restart left a real backend's run in progress; the simulator's first tick took it
  // as its own and completed its node with made-up lines and SUCCESS.
  it('leaves runs of other workflows to their own backends, also those open when it starts', async () => {
    await until('the simulator has completed runs', async () =>
      (await simulatedRuns()).some((r) => r.status === 'COMPLETED'),
    );
    const run = (await t.api('admin', 'GET', `/workflows/runs/${ownRun.identifier}`)).body
      .workflowRun as WorkflowRun;
    expect(run.status).toBe('IN_PROGRESS');
    const work = run.nodeRuns.find((n) => n.nodeIdentifier === 'work')!;
    expect(work).toMatchObject({ status: 'IN_PROGRESS', logCounts: { INFO: 0, DEBUG: 0 } });
  });
});
