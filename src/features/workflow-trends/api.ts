import { queryOptions } from '@tanstack/react-query';
import type { WorkflowTrends } from '../../../contract/trends';
import { api } from '../../lib/api';
import { rangeStart } from './model';
import type { TrendRange } from './search';

export const trendKeys = {
  all: ['workflow-trends'] as const,
  of: (workflowId: string, range: TrendRange) => [...trendKeys.all, workflowId, range] as const,
};

/** [ext] GET /v1/workflows/{id}/trends for a preset range ending now; a minute fresh. */
export const trendsQueryOptions = (workflowId: string, range: TrendRange) =>
  queryOptions({
    queryKey: trendKeys.of(workflowId, range),
    queryFn: ({ signal }) =>
      api<{ trends: WorkflowTrends }>(`/workflows/${encodeURIComponent(workflowId)}/trends`, {
        query: { from: rangeStart(range, Date.now()) },
        signal,
      }).then((b) => b.trends),
    staleTime: 60_000,
  });
