import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RunResult, WorkflowRunSummary } from '../../../contract/workflows';
import { api } from '../../lib/api';
import { runDetailKeys } from './api';
import { withNodeMarked } from './controls';
import { useRefreshRun } from './run-store';

export interface MarkNodeInput {
  nodeRunId: string;
  result: RunResult;
  output: Record<string, unknown> | undefined;
  reason: string;
}

/**
 * Marks a node run complete through Port's node-run PATCH with the [ext] `reason`, which makes it
 * an audited manual act: the server writes the "Marked <result> by <name> (<email>): <reason>" line. The
 * cached run shows the node completed at once; a refusal restores what was there, and either way
 * the run and the open log views of that node (and of the whole run) are fetched again, so the
 * server's line shows.
 */
export function useMarkNodeComplete(runId: string) {
  const client = useQueryClient();
  const refreshRun = useRefreshRun(runId);
  const key = runDetailKeys.detail(runId);
  return useMutation({
    mutationFn: ({ nodeRunId, result, output, reason }: MarkNodeInput) =>
      api(`/workflows/nodes/runs/${encodeURIComponent(nodeRunId)}`, {
        method: 'PATCH',
        body: {
          status: 'COMPLETED',
          result,
          ...(output ? { output } : {}),
          reason,
        },
      }),
    onMutate: async ({ nodeRunId, result }) => {
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<WorkflowRunSummary>(key);
      if (previous) client.setQueryData(key, withNodeMarked(previous, nodeRunId, result));
      return { previous };
    },
    onError: (_err, _input, context) => {
      if (context?.previous) client.setQueryData(key, context.previous);
    },
    onSettled: (_data, _err, { nodeRunId }) => refreshRun(nodeRunId),
  });
}

type RunAct =
  | { kind: 'complete'; result: RunResult; reason: string }
  | { kind: 'cancel'; force: boolean; reason?: string }
  | { kind: 'rerun'; fromNode?: string; reason?: string };

/** Complete, cancel (plain or forced) or re-run a whole workflow run; resolves to the run the server returns. */
export function useRunAct(runId: string) {
  const client = useQueryClient();
  const refreshRun = useRefreshRun(runId);
  const key = runDetailKeys.detail(runId);
  const base = `/workflows/runs/${encodeURIComponent(runId)}`;
  return useMutation({
    mutationFn: (act: RunAct) => {
      const call = (path: string, body: object, query?: Record<string, string>) =>
        api<{ workflowRun: WorkflowRunSummary }>(`${base}/${path}`, {
          method: 'POST',
          body,
          ...(query ? { query } : {}),
        }).then((b) => b.workflowRun);
      switch (act.kind) {
        case 'complete':
          return call('complete', { result: act.result, reason: act.reason });
        case 'cancel':
          return call(
            'cancel',
            act.reason ? { reason: act.reason } : {},
            act.force ? { force: 'true' } : undefined,
          );
        case 'rerun':
          return call('rerun', {
            ...(act.fromNode ? { fromNode: act.fromNode } : {}),
            ...(act.reason ? { reason: act.reason } : {}),
          });
      }
    },
    onSuccess: (run, act) => {
      if (act.kind !== 'rerun') client.setQueryData(key, run);
    },
    onSettled: () => refreshRun(),
  });
}

/**
 * Makes a node run's webhook delivery due now ([ext] `POST …/retry-delivery`, admins only); the
 * run and the node's log (which gets the server's "Delivery retried now by …" line) are fetched
 * again either way.
 */
export function useRetryNodeDelivery(runId: string) {
  const refreshRun = useRefreshRun(runId);
  return useMutation({
    mutationFn: (nodeRunId: string) =>
      api(`/workflows/nodes/runs/${encodeURIComponent(nodeRunId)}/retry-delivery`, {
        method: 'POST',
      }),
    onSettled: (_data, _err, nodeRunId) => refreshRun(nodeRunId),
  });
}
