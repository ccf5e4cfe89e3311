import { queryOptions } from '@tanstack/react-query';
import { isRunFinished, type WorkflowRun, type WorkflowVersion } from '../../../contract/workflows';
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
      conditionalGet<{ workflowRun: WorkflowRun }>(
        queryKey,
        `/workflows/runs/${encodeURIComponent(runId)}`,
        { signal },
      ).then((b) => b.workflowRun),
    ...pollWhileInProgress<WorkflowRun>(isRunFinished),
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
      api<{ workflowRuns: WorkflowRun[] }>('/workflows/runs', {
        query: {
          workflowIdentifiers: [workflowId],
          statuses: ['COMPLETED'],
          results: ['SUCCESS'],
          to: before,
          limit: 1,
        },
        signal,
      }).then((b) => b.workflowRuns[0]?.identifier ?? null),
    staleTime: 60_000,
  });
