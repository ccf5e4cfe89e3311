import { Text } from '@mantine/core';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { AuditEntry } from '../../../../contract/entities';
import type { WorkflowRunSummary } from '../../../../contract/workflows';
import { Fact } from '../../../components/Fact';
import { UserName } from '../../../components/UserName';
import { api } from '../../../lib/api';
import { runDetailKeys } from '../api';
import { runCancelOf } from '../controls';

/**
 * Who cancelled a run (cancel, force cancel, or the run marked CANCELLED by hand), from the run's
 * audit entries: the newest change of the run itself (not of one of its node runs, whose entries
 * carry `nodeRun`) that made it CANCELLING or ended it CANCELLED. Asked again when the run's
 * status or result changes; the last answer stays on screen meanwhile.
 */
export const cancelledByQueryOptions = (runId: string, status: string, result: string | null) =>
  queryOptions({
    queryKey: [...runDetailKeys.detail(runId), 'cancelled-by', status, result] as const,
    queryFn: ({ signal }) =>
      api<{ audits: AuditEntry[] }>('/audit-log', {
        query: { run_id: runId, resources: ['run'], action: ['UPDATE'], limit: 1000 },
        signal,
      }).then((b) => runCancelOf(b.audits)),
    staleTime: Infinity,
  });

/** Cancelling, or ended CANCELLED: a run whose header names who cancelled it. */
export const isCancelledOrCancelling = (run: Pick<WorkflowRunSummary, 'status' | 'result'>) =>
  run.status === 'CANCELLING' || run.result === 'CANCELLED';

/** The header's "Cancelled by" fact: the person's name and their reason; nothing if no one did. */
export function CancelledBy({ run }: { run: WorkflowRunSummary }) {
  const { data: entry } = useQuery({
    ...cancelledByQueryOptions(run.identifier, run.status, run.result),
    placeholderData: keepPreviousData,
  });
  if (!entry) return null;
  const reason = entry.diff.after?.reason;
  return (
    <Fact label={run.status === 'CANCELLING' ? 'Cancel requested by' : 'Cancelled by'}>
      <UserName id={entry.trigger.by.userId} />
      {typeof reason === 'string' && reason !== '' && (
        <Text size="xs" c="dimmed" lineClamp={2} title={reason}>
          {reason}
        </Text>
      )}
    </Fact>
  );
}
