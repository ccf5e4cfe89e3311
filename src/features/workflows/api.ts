import { queryOptions } from '@tanstack/react-query';
import type { Workflow } from '../../../contract/workflows';
import { api } from '../../lib/api';
import { conditionalGet, pollWhileInProgress } from '../../lib/polling';

export const workflowKeys = {
  all: ['workflows'] as const,
  list: () => [...workflowKeys.all, 'list'] as const,
  detail: (id: string) => [...workflowKeys.all, 'detail', id] as const,
};

const noRunInProgress = (workflows: Workflow[]) =>
  workflows.every((w) => (w.stats?.inProgress ?? 0) === 0);

/** The list keeps its "in progress" and "last run" columns current while any run is moving. */
export const workflowsQueryOptions = () =>
  queryOptions({
    queryKey: workflowKeys.list(),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<{ workflows: Workflow[] }>(queryKey, '/workflows', { signal }).then(
        (b) => b.workflows,
      ),
    ...pollWhileInProgress<Workflow[]>(noRunInProgress),
  });

export const workflowQueryOptions = (workflowId: string) =>
  queryOptions({
    queryKey: workflowKeys.detail(workflowId),
    queryFn: ({ signal }) =>
      api<{ workflow: Workflow }>(`/workflows/${encodeURIComponent(workflowId)}`, {
        signal,
      }).then((b) => b.workflow),
    staleTime: 5 * 60_000,
  });
