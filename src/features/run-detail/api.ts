import { queryOptions } from '@tanstack/react-query';
import {
  isRunFinished,
  type NodeRunSummary,
  type WorkflowRunSummary,
  type WorkflowVersion,
} from '../../../contract/workflows';
import type { ShallowOutput } from '../../../contract/json-pointer';
import { api } from '../../lib/api';
import { conditionalGet, pollWhileInProgress } from '../../lib/polling';

export const runDetailKeys = {
  all: ['workflow-run'] as const,
  detail: (runId: string) => [...runDetailKeys.all, runId] as const,
  /** A workflow version's graph never changes: fetched once, kept. */
  graph: (workflowId: string, version: number) =>
    ['workflow-version', workflowId, version] as const,
};

/** Polled with If-None-Match while the run moves; once COMPLETED it is never requested again. */
export const runDetailQueryOptions = (runId: string) =>
  queryOptions({
    queryKey: runDetailKeys.detail(runId),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<{ workflowRun: WorkflowRunSummary }>(
        queryKey,
        `/workflows/runs/${encodeURIComponent(runId)}`,
        // [ext] without the outputs: the Output tab fetches them when it is shown. While only
        // lines are added the poll is a 304: the log viewer's chips take the level counts from
        // the log it reads (its pages and stream carry them).
        { query: { view: 'summary', ignoreLogCounts: 'true' }, signal },
      ).then((b) => b.workflowRun),
    ...pollWhileInProgress<WorkflowRunSummary>(isRunFinished),
  });

/** The graph of the version a run ran on ([ext] GET /v1/workflows/{id}/versions/{version}). */
export const workflowVersionQueryOptions = (workflowId: string, version: number) =>
  queryOptions({
    queryKey: runDetailKeys.graph(workflowId, version),
    queryFn: ({ signal }) =>
      api<{ workflowVersion: WorkflowVersion }>(
        `/workflows/${encodeURIComponent(workflowId)}/versions/${version}`,
        { signal },
      ).then((b) => b.workflowVersion),
    staleTime: Infinity,
    retry: false,
  });

/** The newest successful run of the workflow started before `before` (for "compare with"). */
export const lastSuccessfulRunQueryOptions = (workflowId: string, before: string) =>
  queryOptions({
    queryKey: [...runDetailKeys.all, 'last-success', workflowId, before] as const,
    queryFn: ({ signal }) =>
      api<{ workflowRuns: { identifier: string }[] }>('/workflows/runs', {
        query: {
          workflowIdentifiers: [workflowId],
          statuses: ['COMPLETED'],
          results: ['SUCCESS'],
          to: before,
          limit: 1,
          view: 'ids',
        },
        signal,
      }).then((b) => b.workflowRuns[0]?.identifier ?? null),
    staleTime: 60_000,
  });

type Json = Record<string, unknown>;

/**
 * A node run's output ([ext] GET /v1/workflows/nodes/runs/{id}/output), fetched when shown. Once
 * the node run completed it never changes (the server lets the browser keep it for good); until
 * then the key follows the node run's updatedAt, so a poll that saw it change fetches it again.
 */
export const nodeRunOutputQueryOptions = (
  nodeRun: Pick<NodeRunSummary, 'identifier' | 'status' | 'updatedAt'>,
) =>
  queryOptions({
    queryKey: [
      ...runDetailKeys.all,
      'node-output',
      nodeRun.identifier,
      nodeRun.status === 'COMPLETED' ? 'final' : nodeRun.updatedAt,
    ] as const,
    queryFn: ({ signal }) =>
      api<{ output: Json }>(
        `/workflows/nodes/runs/${encodeURIComponent(nodeRun.identifier)}/output`,
        { signal },
      ).then((b) => b.output),
    staleTime: Infinity,
  });

/**
 * A value inside a node run's output read shallowly ([ext] GET …/output/shallow: kind, size, a
 * page of children with previews), by the same rule as the whole output.
 */
export const nodeRunShallowOutputQueryOptions = (
  nodeRun: Pick<NodeRunSummary, 'identifier' | 'status' | 'updatedAt'>,
  pointer = '',
  offset = 0,
) =>
  queryOptions({
    queryKey: [
      ...runDetailKeys.all,
      'node-output-shallow',
      nodeRun.identifier,
      nodeRun.status === 'COMPLETED' ? 'final' : nodeRun.updatedAt,
      pointer,
      offset,
    ] as const,
    queryFn: ({ signal }) =>
      api<ShallowOutput>(
        `/workflows/nodes/runs/${encodeURIComponent(nodeRun.identifier)}/output/shallow`,
        { query: { pointer, ...(offset ? { offset } : {}) }, signal },
      ),
    staleTime: Infinity,
  });

/** The run's `variables.outputs` ([ext] GET /v1/workflows/runs/{id}/outputs), by the same rule. */
export const runOutputsQueryOptions = (
  run: Pick<WorkflowRunSummary, 'identifier' | 'status' | 'updatedAt'>,
) =>
  queryOptions({
    queryKey: [
      ...runDetailKeys.all,
      'outputs',
      run.identifier,
      isRunFinished(run) ? 'final' : run.updatedAt,
    ] as const,
    queryFn: ({ signal }) =>
      api<{ outputs: Json }>(`/workflows/runs/${encodeURIComponent(run.identifier)}/outputs`, {
        signal,
      }).then((b) => b.outputs),
    staleTime: Infinity,
  });
