import { Text } from '@mantine/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AuditEntry } from '../../../../contract/entities';
import type { WorkflowRunSummary } from '../../../../contract/workflows';
import { Fact } from '../../../components/Fact';
import { UserName } from '../../../components/UserName';
import { api } from '../../../lib/api';

/**
 * Who cancelled a run (cancel, force cancel, or marked CANCELLED by hand), from the run's audit
 * entries: the newest one that made it CANCELLING or ended it CANCELLED. Asked again whenever the
 * run changes (keyed by its updatedAt); a finished run's never changes again.
 */
export const cancelledByQueryOptions = (runId: string, updatedAt: string) =>
  queryOptions({
    queryKey: ['workflow-run', runId, 'cancelled-by', updatedAt] as const,
    queryFn: ({ signal }) =>
      api<{ audits: AuditEntry[] }>('/audit-log', {
        query: { run_id: runId, resources: ['run'], limit: 20 },
        signal,
      }).then((b) => b.audits.find(isCancel) ?? null),
    staleTime: Infinity,
  });

const isCancel = (entry: AuditEntry) =>
  entry.diff.after?.status === 'CANCELLING' || entry.diff.after?.result === 'CANCELLED';

export const isCancelled = (run: Pick<WorkflowRunSummary, 'status' | 'result'>) =>
  run.status === 'CANCELLING' || run.result === 'CANCELLED';

/** The header's "Cancelled by" fact: the person's name and their reason; nothing if no one did. */
export function CancelledBy({ run }: { run: WorkflowRunSummary }) {
  const { data: entry } = useQuery(cancelledByQueryOptions(run.identifier, run.updatedAt));
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
