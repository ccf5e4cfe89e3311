import { queryOptions } from '@tanstack/react-query';
import type { LogsPage, WorkflowRun } from '../../../contract/workflows';
import { api } from '../../lib/api';

export const compareKeys = {
  all: ['run-compare'] as const,
  run: (runId: string) => [...compareKeys.all, 'run', runId] as const,
  lastSuccess: (workflowId: string, before: string) =>
    [...compareKeys.all, 'last-success', workflowId, before] as const,
};

/** One run as compared: read once (a run in progress can be compared again by reloading). */
export const compareRunQueryOptions = (runId: string) =>
  queryOptions({
    queryKey: compareKeys.run(runId),
    queryFn: ({ signal }) =>
      api<{ workflowRun: WorkflowRun }>(`/workflows/runs/${encodeURIComponent(runId)}`, {
        signal,
      }).then((b) => b.workflowRun),
    staleTime: 30_000,
  });

/** The newest successful run of the workflow started before `before`, or null. */
export const lastSuccessfulRunQueryOptions = (workflowId: string, before: string) =>
  queryOptions({
    queryKey: compareKeys.lastSuccess(workflowId, before),
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

export const LOG_PAGE = 2000;

/** One page of a node run's log by cursor (the log viewer's endpoint). */
export const fetchLogPage = (nodeRunId: string, cursor: string | null, signal?: AbortSignal) =>
  api<LogsPage>(`/workflows/nodes/runs/${encodeURIComponent(nodeRunId)}/logs`, {
    query: { limit: LOG_PAGE, cursor },
    signal,
  });
