import { and, eq, inArray, ne, notInArray } from 'drizzle-orm';
import type { RunResult, WorkflowNode } from '../../contract/workflows';
import type { Db } from '../db/client';
import { decideAdvance } from '../../contract/graph';
import type { Graph } from '../domain/graph';
import { nodeRuns, workflowRuns, workflows } from '../db/schema';
import { workflowGraphAt } from '../db/workflows';
import { nodeOwesDelivery } from '../domain/delivery';
import { ApiError } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import {
  Rng,
  THEMES,
  failureLines,
  progressLine,
  type LogLineDraft,
  type LogVars,
} from '../seed/demo-content';
import {
  FALLBACK_PROFILE,
  demoWorkflow,
  type DemoWorkflow,
  type NodeProfile,
} from '../seed/demo-workflows';
import { ADMIN_ID, MEMBER_ID, SIMULATOR_ID, ensureSimulatorUser } from '../seed/users';
import { patchNodeRun, postNodeRunLogs } from '../services/node-runs';
import { startWorkflowRun } from '../services/workflow-runs';
import { startTicker } from './ticker';

export interface SimulatorOptions {
  db: Db;
  clock?: () => Date;
  /** Time between two ticks; node runs last from 2 to 30 ticks. */
  tickMs?: number;
  seed?: number;
}

export interface Simulator {
  /** Stops ticking; resolves once a tick under way has finished. */
  stop(): Promise<void>;
}

export const MIN_IN_PROGRESS = 2;
export const MAX_IN_PROGRESS = 5;

const machine: Actor = { id: SIMULATOR_ID, email: 'simulator@runboard.dev', role: 'machine' };
const starters: Actor[] = [
  { id: ADMIN_ID, email: 'admin@runboard.dev', role: 'admin' },
  { id: MEMBER_ID, email: 'member@runboard.dev', role: 'member' },
];

/** How often each demo workflow is picked when a run starts (the pipeline is heavy). */
const START_WEIGHTS: Record<string, number> = {
  'deploy-service': 5,
  'provision-environment': 2,
  'rotate-secrets': 2,
  'nightly-data-pipeline': 1,
};

interface OwnedRun {
  workflow: DemoWorkflow | undefined;
  /** Started by hand (the dashboard's "Run", a re-run, an API client): played fast, to success. */
  byHand: boolean;
  inputs: Record<string, unknown>;
  vars: LogVars;
}

interface NodePlan {
  profile: NodeProfile;
  ticksLeft: number;
  result: RunResult;
}

const isExpected = (err: unknown) =>
  err instanceof ApiError && (err.code === 'run_exhausted' || err.code === 'not_found');

/**
 * Keeps a few workflow runs moving so the dashboard has something live to show: it starts runs
 * (as the admin or the member) and plays their nodes as a backend would, as the machine user,
 * through the same services the HTTP routes call.
 */
export function startSimulator({
  db,
  clock = () => new Date(),
  tickMs = 1500,
  seed = Date.now(),
}: SimulatorOptions): Simulator {
  const rng = new Rng(seed);
  const owned = new Map<string, OwnedRun>();
  const plans = new Map<string, NodePlan>();
  let target = rng.int(MIN_IN_PROGRESS, MAX_IN_PROGRESS);
  let started = false;

  const own = (
    run: { identifier: string; workflowIdentifier: string; inputs: unknown },
    byHand = false,
  ) => {
    const workflow = demoWorkflow(run.workflowIdentifier);
    const inputs = (run.inputs ?? {}) as Record<string, unknown>;
    owned.set(run.identifier, { workflow, byHand, inputs, vars: workflow?.vars(inputs) ?? {} });
  };

  /**
   * Runs of a demo workflow the simulator did not start would otherwise never finish: at its
   * first tick those left in progress by a previous process (played as its own), and from then
   * on those someone started by hand (the dashboard's "Run", a re-run, an API client), so a
   * newcomer's first run completes. Runs of other workflows are left to their own backends,
   * also those open when the server starts.
   */
  async function adoptOpenRuns(byHand: boolean) {
    const demo = Object.keys(START_WEIGHTS);
    const known = [...owned.keys()];
    const rows = await db
      .select({
        identifier: workflowRuns.identifier,
        workflowIdentifier: workflowRuns.workflowIdentifier,
        inputs: workflowRuns.inputs,
      })
      .from(workflowRuns)
      .where(
        and(
          ne(workflowRuns.status, 'COMPLETED'),
          inArray(workflowRuns.workflowIdentifier, demo),
          known.length ? notInArray(workflowRuns.identifier, known) : undefined,
        ),
      );
    // After the first tick, an open run nobody here started was started by hand.
    for (const row of rows) own(row, byHand);
  }

  async function pickWorkflow(): Promise<string | null> {
    const existing = (await db.select({ id: workflows.identifier }).from(workflows)).map(
      (w) => w.id,
    );
    // Only the demo's workflows: a run of a team's own workflow is its backend's to report, and
    // with no demo workflow left (deleted by someone) nothing is started.
    const demo = existing.filter((id) => START_WEIGHTS[id] !== undefined);
    if (demo.length === 0) return null;
    const total = demo.reduce((s, id) => s + START_WEIGHTS[id]!, 0);
    let roll = rng.next() * total;
    return demo.find((id) => (roll -= START_WEIGHTS[id]!) < 0) ?? demo[0]!;
  }

  async function startOne() {
    const identifier = await pickWorkflow();
    if (!identifier) return false;
    const start = demoWorkflow(identifier)?.start(rng) ?? { inputs: {}, entity: null };
    const run = await startWorkflowRun(
      db,
      identifier,
      { inputs: start.inputs, ...(start.entity ? { entity: start.entity } : {}) },
      rng.pick(starters),
      clock(),
    );
    own(run);
    return true;
  }

  /** How many owned runs are still in progress; forgets those that finished. */
  async function countLive(): Promise<number> {
    const ids = [...owned.keys()];
    const live = ids.length
      ? await db
          .select({ identifier: workflowRuns.identifier })
          .from(workflowRuns)
          .where(and(inArray(workflowRuns.identifier, ids), ne(workflowRuns.status, 'COMPLETED')))
      : [];
    const liveIds = new Set(live.map((r) => r.identifier));
    for (const id of ids) if (!liveIds.has(id)) owned.delete(id);
    return liveIds.size;
  }

  async function topUp(live: number): Promise<number> {
    if (live >= target) target = rng.int(MIN_IN_PROGRESS, MAX_IN_PROGRESS);
    // Below the floor, catch up at once; above it, one new run per tick looks more natural.
    const toStart = live < MIN_IN_PROGRESS ? MIN_IN_PROGRESS - live : live < target ? 1 : 0;
    let added = 0;
    while (added < toStart && (await startOne())) added++;
    return live + added;
  }

  /** Whether completing this node run with `result` completes its workflow run (advance rules). */
  async function completionEndsRun(runId: string, nodeRunId: string, result: RunResult) {
    const [run] = await db
      .select({ nodes: workflows.nodes, connections: workflows.connections })
      .from(workflowRuns)
      .innerJoin(workflows, eq(workflows.identifier, workflowRuns.workflowIdentifier))
      .where(eq(workflowRuns.identifier, runId));
    if (!run) return true;
    const states = await db
      .select({
        identifier: nodeRuns.identifier,
        nodeIdentifier: nodeRuns.nodeIdentifier,
        status: nodeRuns.status,
        result: nodeRuns.result,
        completedAt: nodeRuns.completedAt,
      })
      .from(nodeRuns)
      .where(eq(nodeRuns.workflowRunIdentifier, runId));
    const after = states.map((n) =>
      n.identifier === nodeRunId
        ? { ...n, status: 'COMPLETED' as const, result, completedAt: clock() }
        : n,
    );
    const graph = { nodes: run.nodes, connections: run.connections } as Graph;
    return decideAdvance(graph, after).complete !== null;
  }

  function planFor(run: OwnedRun, nodeIdentifier: string): NodePlan {
    const profile = run.workflow?.profiles[nodeIdentifier] ?? FALLBACK_PROFILE;
    // A newcomer's first "Run" finishes within a minute (2–3 ticks a node) and succeeds.
    if (run.byHand) return { profile, ticksLeft: rng.int(2, 3), result: 'SUCCESS' };
    const [min, max] = profile.seconds;
    const ticks = (s: number) => Math.min(30, Math.max(2, Math.round(s / 15)));
    return {
      profile,
      ticksLeft: rng.int(ticks(min), ticks(max)),
      result: rng.chance(profile.failWeight * 0.008) ? 'FAILED' : 'SUCCESS',
    };
  }

  /** Node runs the server's backend dispatcher drives (a WEBHOOK with a url, UPSERT_ENTITY). */
  const serverDriven = new Map<string, boolean>();
  async function invokedByServer(nodeRun: { identifier: string; runId: string; node: string }) {
    let known = serverDriven.get(nodeRun.identifier);
    if (known === undefined) {
      const [run] = await db
        .select({
          workflow: workflowRuns.workflowIdentifier,
          version: workflowRuns.workflowVersion,
        })
        .from(workflowRuns)
        .where(eq(workflowRuns.identifier, nodeRun.runId));
      const graph = run ? await workflowGraphAt(db, run.workflow, run.version) : null;
      const node = (graph?.nodes as WorkflowNode[] | undefined)?.find(
        (n) => n.identifier === nodeRun.node,
      );
      known = node !== undefined && nodeOwesDelivery(node.config);
      serverDriven.set(nodeRun.identifier, known);
    }
    return known;
  }

  async function driveNode(
    nodeRun: { identifier: string; runId: string; node: string },
    live: { count: number },
  ) {
    const run = owned.get(nodeRun.runId);
    if (!run || (await invokedByServer(nodeRun))) return;
    let plan = plans.get(nodeRun.identifier);
    if (!plan) {
      plan = planFor(run, nodeRun.node);
      plans.set(nodeRun.identifier, plan);
    }
    const theme = THEMES[plan.profile.theme] ?? THEMES.generic!;
    const vars = { ...run.vars, ...plan.profile.vars };
    const now = clock();
    plan.ticksLeft--;
    if (plan.ticksLeft > 0) {
      const lines: LogLineDraft[] = [];
      const n = rng.int(0, 4);
      for (let i = 0; i < n; i++) lines.push(progressLine(theme, vars, rng, nodeRun.node));
      if (lines.length)
        await postNodeRunLogs(db, nodeRun.identifier, lines, { actor: machine }, now);
      return;
    }
    plans.delete(nodeRun.identifier);
    // A replacement starts before the last node finishes, so the floor holds at every moment.
    const ends = await completionEndsRun(nodeRun.runId, nodeRun.identifier, plan.result);
    if (ends && live.count <= MIN_IN_PROGRESS && (await startOne())) live.count++;
    const failed = plan.result === 'FAILED';
    const last: LogLineDraft[] = failed
      ? failureLines(theme, vars, rng)
      : [{ level: 'INFO', message: 'Completed' }];
    await patchNodeRun(
      db,
      nodeRun.identifier,
      {
        status: 'COMPLETED',
        result: plan.result,
        output: failed
          ? { error: last[last.length - 2]?.message ?? 'failed', exitCode: 1 }
          : plan.profile.output({ rng, inputs: run.inputs, vars, at: now }),
        logs: last.map((l) => ({
          logLevel: l.level,
          log: l.message,
          ...(l.tags ? { tags: l.tags } : {}),
        })),
      },
      machine,
      now,
    );
    if (ends) live.count--;
  }

  async function driveNodes(live: { count: number }) {
    const ids = [...owned.keys()];
    if (ids.length === 0) return;
    const open = await db
      .select({
        identifier: nodeRuns.identifier,
        runId: nodeRuns.workflowRunIdentifier,
        node: nodeRuns.nodeIdentifier,
      })
      .from(nodeRuns)
      .where(and(inArray(nodeRuns.workflowRunIdentifier, ids), eq(nodeRuns.status, 'IN_PROGRESS')));
    const openIds = new Set(open.map((n) => n.identifier));
    for (const id of plans.keys()) if (!openIds.has(id)) plans.delete(id);
    for (const id of serverDriven.keys()) if (!openIds.has(id)) serverDriven.delete(id);
    for (const nodeRun of open) {
      try {
        await driveNode(nodeRun, live);
      } catch (err) {
        // A run cancelled or completed meanwhile refuses further writes; that is expected.
        if (!isExpected(err)) throw err;
        plans.delete(nodeRun.identifier);
      }
    }
  }

  return startTicker(
    'simulator',
    tickMs,
    async () => {
      if (!started) await ensureSimulatorUser(db);
      await adoptOpenRuns(started);
      started = true;
      const live = { count: await topUp(await countLive()) };
      await driveNodes(live);
    },
    { immediately: true },
  );
}
