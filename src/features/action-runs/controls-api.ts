import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ActionRunV2, TerminationStatus } from '../../../contract/actions';
import { logKeys } from '../../components/log-viewer';
import { api } from '../../lib/api';
import { actionRunKeys } from './api';

export interface MarkActionRunInput {
  status: TerminationStatus;
  statusLabel: string | undefined;
  reason: string;
}

/**
 * Ends an action run by hand. The cached run shows the chosen status at once; a refusal restores
 * what was there, and either way the run is fetched again and its open log views poll once more.
 *
 * That last poll is what shows the server's "Marked <status> by <name> (<email>): <reason>" line. The run
 * shown finished at once (optimistically), so the log viewer stopped being live and made its one
 * last poll then, before the server had written the line, and a finished run's log is not polled
 * again: only a poll started after the answer is sure to read the line.
 */
export function markActionRunCompleteOptions(client: QueryClient, runId: string) {
  const key = actionRunKeys.detail(runId);
  return {
    mutationFn: ({ status, statusLabel, reason }: MarkActionRunInput) =>
      api<{ run: ActionRunV2 }>(`/actions/runs/${encodeURIComponent(runId)}/complete`, {
        method: 'POST',
        query: { version: 'v2' },
        body: { status, reason, ...(statusLabel ? { statusLabel } : {}) },
      }).then((b) => b.run),
    onMutate: async ({ status, statusLabel }: MarkActionRunInput) => {
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<ActionRunV2>(key);
      if (previous) {
        const now = new Date().toISOString();
        client.setQueryData<ActionRunV2>(key, {
          ...previous,
          status,
          statusLabel: statusLabel ?? previous.statusLabel,
          endedAt: now,
          updatedAt: now,
        });
      }
      return { previous };
    },
    onError: (
      _err: Error,
      _input: MarkActionRunInput,
      context: { previous: ActionRunV2 | undefined } | undefined,
    ) => {
      if (context?.previous) client.setQueryData(key, context.previous);
    },
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: key }),
        client.invalidateQueries({ queryKey: logKeys.source({ actionRunId: runId }) }),
        // The entity changes' one read as finished also went out on the optimistic finish.
        client.invalidateQueries({ queryKey: actionRunKeys.changes(runId, true) }),
      ]),
  };
}

export function useMarkActionRunComplete(runId: string) {
  const client = useQueryClient();
  return useMutation(markActionRunCompleteOptions(client, runId));
}

/**
 * Makes an action run's webhook delivery due now ([ext] `POST …/retry-delivery`, admins only);
 * the run is fetched again either way.
 */
export function useRetryActionRunDelivery(runId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api(`/actions/runs/${encodeURIComponent(runId)}/retry-delivery`, { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: actionRunKeys.detail(runId) }),
  });
}

export interface DecideApprovalInput {
  status: 'APPROVE' | 'DECLINE';
  description: string | undefined;
}

/**
 * Approves or declines a run waiting for approval (Port's `PATCH …/approval`, admins only). The
 * answer is the run itself, written to the cache; it is fetched again either way.
 */
export function useDecideApproval(runId: string) {
  const client = useQueryClient();
  const key = actionRunKeys.detail(runId);
  return useMutation({
    mutationFn: ({ status, description }: DecideApprovalInput) =>
      api<{ run: ActionRunV2 }>(`/actions/runs/${encodeURIComponent(runId)}/approval`, {
        method: 'PATCH',
        query: { version: 'v2' },
        body: { status, ...(description ? { description } : {}) },
      }).then((b) => b.run),
    onSuccess: (run) => client.setQueryData(key, run),
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
}
