import type { LogLevel, RunResult, WorkflowNode } from '../../contract/workflows';
import { decideAdvance } from '../../contract/graph';
import { triggerNode, type Graph } from '../domain/graph';
import { newNodeRunId, newWorkflowRunId } from '../domain/ids';
import type { nodeRuns, workflowRuns } from '../db/schema';
import {
  THEMES,
  cancellationLines,
  failureLines,
  progressLine,
  type LogLineDraft,
  type LogVars,
  type Rng,
} from './demo-content';
import {
  BIG_OUTPUT_NODE,
  FALLBACK_PROFILE,
  HUGE_LOG_NODE,
  type DemoWorkflow,
  type NodeProfile,
} from './demo-workflows';

export type WorkflowRunInsert = typeof workflowRuns.$inferInsert;
export type NodeRunInsert = typeof nodeRuns.$inferInsert;
/** A planned line, by its run's and node run's text ids (demo.ts's insert turns them into keys). */
export interface LogInsert {
  seq: number;
  runSeq: number;
  level: LogLevel;
  message: string;
  tags?: unknown;
  createdAt: Date;
  workflowRunIdentifier: string;
  nodeRunIdentifier: string;
}

type Outcome = 'success' | 'fail' | 'cancel';
type Special = 'hugeLog' | 'bigOutput' | null;

export interface PlannedRun {
  workflow: DemoWorkflow;
  createdAt: Date;
  createdBy: string;
  outcome: Outcome;
  special: Special;
  /** Where the run sits in its workflow's history, 0 (oldest) to 1 (newest); for `degrade`. */
  age?: number;
}

/** Lines of the huge log are written by SQL (generate_series), not held in memory. */
export interface HugeLogBlock {
  workflowRunIdentifier: string;
  nodeRunIdentifier: string;
  lines: number;
  /** run_seq of the line before the block. */
  runSeqBase: number;
  from: Date;
  to: Date;
}

export interface RunRows {
  run: WorkflowRunInsert;
  nodeRuns: NodeRunInsert[];
  logs: LogInsert[];
  hugeLog: HugeLogBlock | null;
}

interface SimNode {
  node: WorkflowNode;
  profile: NodeProfile;
  identifier: string;
  nodeIdentifier: string;
  createdAt: Date;
  plannedEnd: Date;
  plannedResult: RunResult;
  status: 'IN_PROGRESS' | 'COMPLETED';
  result: RunResult | null;
  completedAt: Date | null;
}

const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms);

const demoGraph = (w: DemoWorkflow): Graph => ({
  nodes: w.body.nodes,
  connections: w.body.connections,
});

function pickFailingNode(workflow: DemoWorkflow, rng: Rng): string | null {
  const candidates = workflow.body.nodes
    .filter((n) => n.onFailure === 'terminate' && workflow.profiles[n.identifier])
    .map((n) => ({ id: n.identifier, weight: workflow.profiles[n.identifier]!.failWeight }));
  const total = candidates.reduce((s, c) => s + c.weight, 0);
  let roll = rng.next() * total;
  for (const c of candidates) {
    roll -= c.weight;
    if (roll <= 0) return c.id;
  }
  return candidates[candidates.length - 1]?.id ?? null;
}

/** A flaky node that fails this time on its own, if any (no draw for workflows without one). */
function pickFlakyNode(workflow: DemoWorkflow, rng: Rng): string | null {
  for (const [id, profile] of Object.entries(workflow.profiles)) {
    if (profile.flaky && rng.chance(profile.flaky)) return id;
  }
  return null;
}

/**
 * Plays one run through the real advance rules (`decideAdvance`): node runs start when their
 * predecessors succeed, a terminating failure cancels what is still going, a cancellation ends
 * every node in progress at that moment.
 */
function simulate(plan: PlannedRun, rng: Rng) {
  const { workflow } = plan;
  const graph = demoGraph(workflow);
  const trigger = triggerNode(graph);
  const flakyFailing =
    plan.outcome === 'success' && plan.special === null ? pickFlakyNode(workflow, rng) : null;
  const failing = plan.outcome === 'fail' ? pickFailingNode(workflow, rng) : flakyFailing;
  // Now and then a node that may fail without stopping the run (a notification) does so.
  const softFailing =
    plan.special === null && rng.chance(0.05)
      ? (workflow.body.nodes.find((n) => n.onFailure === 'continue')?.identifier ?? null)
      : null;
  const cancelAfterStarts = plan.outcome === 'cancel' ? rng.int(1, 3) : -1;
  let cancelAt: Date | null = null;

  const sims: SimNode[] = [
    {
      node: trigger,
      profile: FALLBACK_PROFILE,
      identifier: newNodeRunId(),
      nodeIdentifier: trigger.identifier,
      createdAt: plan.createdAt,
      plannedEnd: plan.createdAt,
      plannedResult: 'SUCCESS',
      status: 'COMPLETED',
      result: 'SUCCESS',
      completedAt: plan.createdAt,
    },
  ];
  const nodes = new Map(graph.nodes.map((n) => [n.identifier, n]));
  let now = plan.createdAt;
  let started = 0;
  let runResult: RunResult;
  for (;;) {
    const decision = decideAdvance(graph, sims);
    for (const id of decision.start) {
      const node = nodes.get(id)!;
      const profile = workflow.profiles[id] ?? FALLBACK_PROFILE;
      const seconds =
        rng.int(profile.seconds[0], profile.seconds[1]) *
        (1 + (profile.degrade ?? 0) * (plan.age ?? 0));
      const fails = id === failing || id === softFailing;
      const ms = (fails ? seconds * (0.3 + rng.next() * 0.6) : seconds) * 1000 + rng.int(0, 999);
      sims.push({
        node,
        profile,
        identifier: newNodeRunId(),
        nodeIdentifier: id,
        createdAt: now,
        plannedEnd: addMs(now, ms),
        plannedResult: fails ? 'FAILED' : 'SUCCESS',
        status: 'IN_PROGRESS',
        result: null,
        completedAt: null,
      });
      started++;
      if (started === cancelAfterStarts) cancelAt = addMs(now, ms * (0.2 + rng.next() * 0.6));
    }
    if (decision.complete) {
      runResult = decision.complete;
      break;
    }
    const next = sims
      .filter((s) => s.status === 'IN_PROGRESS')
      .sort((a, b) => a.plannedEnd.getTime() - b.plannedEnd.getTime())[0];
    if (!next) throw new Error('a run with nothing in progress did not complete');
    if (cancelAt && cancelAt < next.plannedEnd) {
      now = cancelAt;
      runResult = 'CANCELLED';
      break;
    }
    now = next.plannedEnd;
    next.status = 'COMPLETED';
    next.result = next.plannedResult;
    next.completedAt = now;
  }
  // What completeRun does: node runs still going when the run ends are CANCELLED.
  for (const s of sims) {
    if (s.status === 'IN_PROGRESS') {
      s.status = 'COMPLETED';
      s.result = 'CANCELLED';
      s.completedAt = now;
    }
  }
  return { sims, result: runResult, completedAt: now };
}

interface TimedLine extends LogLineDraft {
  at: Date;
  nodeOrder: number;
  nodeRunIdentifier: string;
}

function nodeLines(sim: SimNode, vars: LogVars, rng: Rng): LogLineDraft[] {
  const theme = THEMES[sim.profile.theme] ?? THEMES.generic!;
  const allVars = { ...vars, ...sim.profile.vars };
  const span = (sim.completedAt!.getTime() - sim.createdAt.getTime()) / 1000;
  const planned = rng.int(sim.profile.lines[0], sim.profile.lines[1]);
  const share = sim.result === 'SUCCESS' ? 1 : 0.3 + rng.next() * 0.6;
  const body = Math.max(1, Math.round(planned * share));
  const lines: LogLineDraft[] = [
    { level: 'INFO', message: `Started ${sim.node.title ?? sim.nodeIdentifier}` },
  ];
  for (let i = 0; i < body; i++) {
    if (rng.chance(0.004)) {
      lines.push({
        level: 'ERROR',
        message: 'Transient error talking to the upstream (ECONNRESET); retrying (attempt 1/3)',
      });
    } else {
      lines.push(progressLine(theme, allVars, rng, sim.nodeIdentifier));
    }
  }
  if (sim.result === 'FAILED') lines.push(...failureLines(theme, allVars, rng));
  else if (sim.result === 'CANCELLED') lines.push(...cancellationLines());
  else lines.push({ level: 'INFO', message: `Completed in ${span.toFixed(1)} s` });
  return lines;
}

/** Spreads a node's lines over its lifetime, strictly inside (createdAt, completedAt). */
function timeLines(sim: SimNode, order: number, lines: LogLineDraft[]): TimedLine[] {
  const start = sim.createdAt.getTime();
  const span = sim.completedAt!.getTime() - start;
  return lines.map((line, i) => ({
    ...line,
    at: new Date(start + Math.floor(((i + 1) * span) / (lines.length + 1))),
    nodeOrder: order,
    nodeRunIdentifier: sim.identifier,
  }));
}

const levelCounts = (lines: { level: string }[]) => ({
  debugCount: lines.filter((l) => l.level === 'DEBUG').length,
  infoCount: lines.filter((l) => l.level === 'INFO').length,
  warnCount: lines.filter((l) => l.level === 'WARN').length,
  errorCount: lines.filter((l) => l.level === 'ERROR').length,
});

function nodeOutput(
  sim: SimNode,
  plan: PlannedRun,
  inputs: Record<string, unknown>,
  vars: LogVars,
  lastLine: LogLineDraft | undefined,
  rng: Rng,
  bigOutputBytes: number,
): Record<string, unknown> | null {
  if (sim.result === 'CANCELLED') return null;
  if (sim.result === 'FAILED') return { error: lastLine?.message ?? 'failed', exitCode: 1 };
  if (plan.special === 'bigOutput' && sim.nodeIdentifier === BIG_OUTPUT_NODE) {
    return inventorySnapshot(rng, sim.completedAt!, bigOutputBytes);
  }
  return sim.profile.output({ rng, inputs, vars, at: sim.completedAt! });
}

/** Builds every row of one past run. */
export function buildRun(
  plan: PlannedRun,
  rng: Rng,
  sizes: { hugeLogLines: number; bigOutputBytes: number },
): RunRows {
  const { workflow } = plan;
  const { inputs, entity } = workflow.start(rng);
  const vars = workflow.vars(inputs);
  const { sims, result, completedAt } = simulate(plan, rng);
  const runIdentifier = newWorkflowRunId();
  const hugeSim =
    plan.special === 'hugeLog' ? sims.find((s) => s.nodeIdentifier === HUGE_LOG_NODE) : undefined;

  const outputs: Record<string, unknown> = {};
  const nodeRunRows: NodeRunInsert[] = [];
  const perNode: TimedLine[][] = [];
  sims.forEach((sim, order) => {
    const isTrigger = order === 0;
    const drafts = isTrigger || sim === hugeSim ? [] : nodeLines(sim, vars, rng);
    const output = isTrigger
      ? inputs
      : nodeOutput(sim, plan, inputs, vars, drafts[drafts.length - 1], rng, sizes.bigOutputBytes);
    if (output) outputs[sim.nodeIdentifier] = output;
    perNode.push(timeLines(sim, order, drafts));
    nodeRunRows.push({
      identifier: sim.identifier,
      workflowRunIdentifier: runIdentifier,
      nodeIdentifier: sim.nodeIdentifier,
      nodeTitle: sim.node.title ?? null,
      nodeIcon: sim.node.icon ?? null,
      nodeConfigType: sim.node.config.type,
      status: 'COMPLETED',
      result: sim.result,
      output: output ?? {},
      logSeq: drafts.length,
      ...levelCounts(drafts),
      createdAt: sim.createdAt,
      updatedAt: sim.completedAt!,
      completedAt: sim.completedAt,
    });
  });

  const ordered = perNode
    .flat()
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.nodeOrder - b.nodeOrder);
  const seqs = new Map<string, number>();
  const logs: LogInsert[] = [];
  let runSeq = 0;
  let hugeLog: HugeLogBlock | null = null;
  const placeHuge = () => {
    if (!hugeSim || hugeLog) return;
    hugeLog = {
      workflowRunIdentifier: runIdentifier,
      nodeRunIdentifier: hugeSim.identifier,
      lines: sizes.hugeLogLines,
      runSeqBase: runSeq,
      from: hugeSim.createdAt,
      to: hugeSim.completedAt!,
    };
    runSeq += sizes.hugeLogLines;
  };
  for (const line of ordered) {
    // The huge node runs alone, so its block sits between the lines before and after it.
    if (hugeSim && line.at > hugeSim.createdAt) placeHuge();
    const seq = (seqs.get(line.nodeRunIdentifier) ?? 0) + 1;
    seqs.set(line.nodeRunIdentifier, seq);
    logs.push({
      workflowRunIdentifier: runIdentifier,
      nodeRunIdentifier: line.nodeRunIdentifier,
      seq,
      runSeq: ++runSeq,
      level: line.level,
      message: line.message,
      tags: line.tags ?? null,
      createdAt: line.at,
    });
  }
  placeHuge();

  return {
    run: {
      identifier: runIdentifier,
      workflowIdentifier: workflow.body.identifier,
      workflowVersion: 1,
      title: workflow.body.title,
      icon: workflow.body.icon ?? null,
      status: 'COMPLETED',
      result,
      outputs,
      inputs,
      entity,
      allowAnyoneToView: workflow.body.allowAnyoneToViewRuns,
      logSeq: runSeq,
      createdBy: plan.createdBy,
      createdAt: plan.createdAt,
      updatedAt: completedAt,
      completedAt,
    },
    nodeRuns: nodeRunRows,
    logs,
    hugeLog,
  };
}

const KINDS = ['ec2.instance', 'rds.instance', 's3.bucket', 'lambda.function', 'eks.nodegroup'];
const TEAMS = ['payments', 'checkout', 'discovery', 'identity', 'messaging', 'data', 'platform'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

/** An inventory of cloud resources, nested a few levels deep, at least `bytes` long as JSON. */
export function inventorySnapshot(rng: Rng, at: Date, bytes: number): Record<string, unknown> {
  const accounts = Array.from({ length: 7 }, (_, i) => ({
    id: String(100000000000 + i * 7919),
    alias: `acme-${['prod', 'staging', 'data', 'security', 'sandbox', 'shared', 'logs'][i]}`,
  }));
  const resources: Record<string, unknown>[] = [];
  let size = 0;
  while (size < bytes) {
    const kind = rng.pick(KINDS);
    const team = rng.pick(TEAMS);
    const resource = {
      id: `${kind.split('.')[0]}-${rng.hex(17)}`,
      kind,
      account: rng.pick(accounts).id,
      region: rng.pick(REGIONS),
      name: `${team}-${kind.split('.')[1]}-${rng.int(1, 400)}`,
      state: rng.chance(0.94) ? 'running' : 'stopped',
      tags: {
        team,
        env: rng.pick(['production', 'staging', 'sandbox']),
        costCenter: `cc-${rng.int(100, 999)}`,
      },
      spec: {
        cpu: rng.pick([2, 4, 8, 16]),
        memoryGb: rng.pick([4, 8, 16, 32, 64]),
        storageGb: rng.int(20, 2000),
      },
      network: {
        vpcId: `vpc-${rng.hex(17)}`,
        subnetIds: [`subnet-${rng.hex(17)}`, `subnet-${rng.hex(17)}`],
        privateIp: `10.${rng.int(0, 40)}.${rng.int(0, 255)}.${rng.int(2, 254)}`,
      },
      cost: { monthlyUsd: rng.int(3, 4200) + rng.int(0, 99) / 100, currency: 'USD' },
    };
    size += JSON.stringify(resource).length + 1;
    resources.push(resource);
  }
  return {
    snapshotId: `snap_${rng.hex(12)}`,
    takenAt: at.toISOString(),
    accounts,
    resourceCount: resources.length,
    resources,
  };
}
