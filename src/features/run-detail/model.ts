import {
  isRunFinished,
  type LogCounts,
  type NodeRunSummary,
  type WorkflowRunSummary,
} from '../../../contract/workflows';
import { workflowRunState, type RunState } from '../../components/StatusBadge';

const byCreated = (a: NodeRunSummary, b: NodeRunSummary) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;

/** The node runs in the order they started. */
export const orderedNodeRuns = (nodeRuns: NodeRunSummary[]) => [...nodeRuns].sort(byCreated);

/** The latest node run of each node (a node runs at most once per run; be safe anyway). */
export function latestNodeRunByNode(nodeRuns: NodeRunSummary[]): Map<string, NodeRunSummary> {
  const latest = new Map<string, NodeRunSummary>();
  for (const nr of orderedNodeRuns(nodeRuns)) latest.set(nr.nodeIdentifier, nr);
  return latest;
}

export const nodeRunState = (nr: NodeRunSummary): RunState =>
  workflowRunState(nr.status, nr.result);

/** A node without a node run is waiting while the run moves, and will never run once it is over. */
export const unrunState = (run: Pick<WorkflowRunSummary, 'status'>): RunState =>
  isRunFinished(run) ? 'skipped' : 'not-started';

export function nodeStates(
  run: Pick<WorkflowRunSummary, 'status' | 'nodeRuns'>,
  nodeOrder: string[],
): Record<string, RunState> {
  const states: Record<string, RunState> = {};
  for (const node of nodeOrder) states[node] = unrunState(run);
  for (const [node, nr] of latestNodeRunByNode(run.nodeRuns)) states[node] = nodeRunState(nr);
  return states;
}

/** What a person opening the run most likely wants: the failure, else what is running, else the end. */
export function defaultNode(nodeRuns: NodeRunSummary[]): string | null {
  const ordered = orderedNodeRuns(nodeRuns);
  const failed = ordered.find((nr) => nr.result === 'FAILED');
  if (failed) return failed.nodeIdentifier;
  const running = ordered.find((nr) => nr.status === 'IN_PROGRESS');
  if (running) return running.nodeIdentifier;
  return ordered.at(-1)?.nodeIdentifier ?? null;
}

/**
 * The node the run page shows: the URL's `?node=` (a node's identifier, or one of the run's node
 * run ids, which the server names in its logs and start line), else the default one. A `?node=`
 * that names no node of the drawn graph (`nodes`, when known) shows the default node too,
 * rather than a panel saying a node that does not exist "did not run".
 */
export function shownNode(
  nodeRuns: NodeRunSummary[],
  node: string | undefined,
  nodes: readonly string[] | null,
): string | null {
  if (node === undefined) return defaultNode(nodeRuns);
  const byRunId = nodeRuns.find((nr) => nr.identifier === node);
  if (byRunId) return byRunId.nodeIdentifier;
  if (nodes && !nodes.includes(node)) return defaultNode(nodeRuns);
  return node;
}

export interface GanttBar {
  nodeIdentifier: string;
  nodeRunId: string | null;
  state: RunState;
  /** Start and width as fractions of the run's span (start..end, or now while running). */
  offset: number;
  width: number;
  durationMs: number | null;
}

const ms = (iso: string) => Date.parse(iso);

/** The graph's nodes (in `nodeOrder`) that have no node run in the run yet. */
function unrunNodes(run: Pick<WorkflowRunSummary, 'nodeRuns'>, nodeOrder: string[]) {
  const ran = new Set(run.nodeRuns.map((nr) => nr.nodeIdentifier));
  return nodeOrder.filter((node) => !ran.has(node));
}

/** How many rows ganttBars gives: one per node run, one per graph node that has not run. */
export function ganttRowCount(run: Pick<WorkflowRunSummary, 'nodeRuns'>, nodeOrder: string[]) {
  return run.nodeRuns.length + unrunNodes(run, nodeOrder).length;
}

/**
 * One bar per node run, in start order, then an empty row per graph node that has not run.
 * The span is the run's start..completion, or start..now while it is in progress.
 */
export function ganttBars(
  run: Pick<WorkflowRunSummary, 'status' | 'createdAt' | 'completedAt' | 'nodeRuns'>,
  nodeOrder: string[],
  now: number,
): GanttBar[] {
  const start = ms(run.createdAt);
  const end = run.completedAt ? ms(run.completedAt) : now;
  const span = Math.max(1, end - start);
  const clamp = (f: number) => Math.min(1, Math.max(0, f));
  const bars: GanttBar[] = orderedNodeRuns(run.nodeRuns).map((nr) => {
    const a = ms(nr.createdAt);
    const b = nr.completedAt ? ms(nr.completedAt) : Math.max(a, now);
    const offset = clamp((a - start) / span);
    return {
      nodeIdentifier: nr.nodeIdentifier,
      nodeRunId: nr.identifier,
      state: nodeRunState(nr),
      offset,
      width: Math.min(1 - offset, clamp((b - a) / span)),
      durationMs: b - a,
    };
  });
  for (const node of unrunNodes(run, nodeOrder)) {
    bars.push({
      nodeIdentifier: node,
      nodeRunId: null,
      state: unrunState(run),
      offset: 0,
      width: 0,
      durationMs: null,
    });
  }
  return bars;
}

export function sumLogCounts(nodeRuns: NodeRunSummary[]): LogCounts {
  const total: LogCounts = { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 };
  for (const nr of nodeRuns) {
    total.DEBUG += nr.logCounts.DEBUG;
    total.INFO += nr.logCounts.INFO;
    total.WARN += nr.logCounts.WARN;
    total.ERROR += nr.logCounts.ERROR;
  }
  return total;
}
