import type {
  LogLine,
  NodeRun,
  Workflow,
  WorkflowRun,
  WorkflowRunSummary,
  WorkflowVersion,
} from '../../contract/workflows';
import { isPendingExecution, nodeUidOf } from '../domain/agent-work';
import type { Graph } from '../domain/graph';
import type { logLines, nodeRuns, workflowRuns, workflowVersions, workflows } from './schema';
import { stampsOf } from './stamps';

type WorkflowRow = typeof workflows.$inferSelect;
export type WorkflowRunRow = typeof workflowRuns.$inferSelect;
export type NodeRunRow = typeof nodeRuns.$inferSelect;
/** A stored line with its node run's text id joined back (workflow-runs.ts's selectLogLines). */
type LogRow = Omit<
  typeof logLines.$inferSelect,
  'nodeKey' | 'runKey' | 'blockFirst' | 'blockLast' | 'blockRunSeq' | 'blockMarked' | 'blockText'
> & {
  nodeRunIdentifier: string;
};

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function toWorkflow(row: WorkflowRow): Workflow {
  return {
    identifier: row.identifier,
    title: row.title,
    icon: row.icon,
    description: row.description,
    category: row.category,
    allowAnyoneToViewRuns: row.allowAnyoneToViewRuns,
    nodes: row.nodes as Workflow['nodes'],
    connections: row.connections as Workflow['connections'],
    version: row.version,
    ...stampsOf(row),
  };
}

export function toWorkflowVersion(row: typeof workflowVersions.$inferSelect): WorkflowVersion {
  return {
    workflowIdentifier: row.workflowIdentifier,
    version: row.version,
    nodes: row.nodes as WorkflowVersion['nodes'],
    connections: row.connections as WorkflowVersion['connections'],
    createdAt: iso(row.createdAt),
  };
}

/** `claimedUntil`: an agent's claim on the node run, from the work queue, where it was read. */
export function toNodeRun(
  row: NodeRunRow,
  workflowIdentifier: string,
  claimedUntil: Date | string | null = null,
): NodeRun {
  return {
    identifier: row.identifier,
    node: { identifier: row.nodeIdentifier },
    nodeUid: nodeUidOf(workflowIdentifier, row.nodeIdentifier),
    nodeIdentifier: row.nodeIdentifier,
    nodeTitle: row.nodeTitle,
    nodeIcon: row.nodeIcon,
    nodeConfigType: row.nodeConfigType,
    status: row.status,
    result: row.result,
    output: row.output as Record<string, unknown>,
    reusedFrom: row.reusedFrom,
    pendingExecution: isPendingExecution(row),
    claimedUntil: claimedUntil ? new Date(claimedUntil).toISOString() : null,
    installationId: row.installationId,
    externalRunId: row.externalRunId,
    links: (row.links as string[] | null) ?? [],
    logCounts: {
      DEBUG: row.debugCount,
      INFO: row.infoCount,
      WARN: row.warnCount,
      ERROR: row.errorCount,
    },
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    completedAt: isoOrNull(row.completedAt),
  };
}

/** The graph stored in a workflow or workflow-version row. */
export function toGraph(row: { nodes: unknown; connections: unknown }): Graph {
  return {
    nodes: row.nodes as Graph['nodes'],
    connections: row.connections as Graph['connections'],
  };
}

/**
 * `single` (the back links to re-runs, whether the run re-run is gone) is known only where a
 * single run is read.
 */
export function toWorkflowRun(
  row: WorkflowRunRow,
  nodeRunRows: NodeRunRow[],
  single?: { reruns: string[]; rerunOfDeleted: boolean },
  claims?: Map<string, Date | string | null>,
): WorkflowRun {
  return {
    identifier: row.identifier,
    title: row.title,
    icon: row.icon,
    workflow: { identifier: row.workflowIdentifier, version: row.workflowVersion },
    workflowIdentifier: row.workflowIdentifier,
    status: row.status,
    result: row.result,
    nodeRuns: nodeRunRows.map((n) =>
      toNodeRun(n, row.workflowIdentifier, claims?.get(n.identifier) ?? null),
    ),
    variables: { outputs: row.outputs as Record<string, unknown> },
    inputs: row.inputs as Record<string, unknown>,
    entity: row.entity,
    rerunOf: row.rerunOf,
    ...(single ? { reruns: single.reruns } : {}),
    ...(single && row.rerunOf ? { rerunOfDeleted: single.rerunOfDeleted } : {}),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    completedAt: isoOrNull(row.completedAt),
    createdBy: row.createdBy,
  };
}

/** The run without its outputs ([ext] `view=summary`). */
export function toWorkflowRunSummary(run: WorkflowRun): WorkflowRunSummary {
  const { variables: _outputs, nodeRuns, ...rest } = run;
  return { ...rest, nodeRuns: nodeRuns.map(({ output: _output, ...n }) => n) };
}

/** `seqOf` picks the node-run or run-wide sequence, whichever the caller pages by. */
export function toNodeRunLogLine(row: LogRow, seqOf: 'seq' | 'runSeq' = 'seq'): LogLine {
  return {
    id: row.id,
    seq: row[seqOf],
    nodeRunIdentifier: row.nodeRunIdentifier,
    logLevel: row.level,
    log: row.message,
    tags: (row.tags as Record<string, string> | null) ?? {},
    createdAt: iso(row.createdAt),
  };
}

/** Map.groupBy arrived in Node 21; this server runs on Node 20. */
export function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
