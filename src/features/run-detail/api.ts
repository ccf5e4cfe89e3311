import { queryOptions } from '@tanstack/react-query';
import { isRunFinished, type WorkflowRun } from '../../../contract/workflows';
import { conditionalGet, pollWhileInProgress } from '../../lib/polling';

export const runDetailKeys = {
  all: ['workflow-run'] as const,
  detail: (runId: string) => [...runDetailKeys.all, runId] as const,
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
