import { Badge, Button, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ActionRunV2 } from '../../../../contract/actions';
import { ErrorState } from '../../../components/ErrorState';
import { UserName } from '../../../components/UserName';
import {
  ControlDialog,
  RefusalAlert,
  useRefusal,
  useCurrentUser,
} from '../../../components/run-controls';
import { actionRunApproversQueryOptions, type Approver } from '../api';
import { useDecideApproval } from '../controls-api';

const DECISION: Record<Approver['state'], { label: string; color: string }> = {
  PENDING: { label: 'Pending', color: 'gray' },
  APPROVED: { label: 'Approved', color: 'teal' },
  DECLINED: { label: 'Declined', color: 'red' },
};

/** What the approval rule asks, in words: Port's `true` and `{type: ANY}` need one admin. */
function ruleText(rule: ActionRunV2['requiredApproval']): string {
  if (rule !== false && typeof rule === 'object' && rule.type === 'ALL') {
    return 'Every admin must approve before the run starts; one decline ends it.';
  }
  return 'One admin’s approval starts the run; a decline ends it.';
}

/**
 * The approval of a run whose action requires one: the rule, every approver with their decision
 * and reason, and — while the run waits — Approve and Decline for admins (disabled, with why, for
 * everyone else).
 */
export function ApprovalPanel({ run }: { run: ActionRunV2 }) {
  const me = useCurrentUser();
  const waiting = run.status === 'WAITING_FOR_APPROVAL';
  const decide = useDecideApproval(run.id);
  const [dialog, setDialog] = useState<'APPROVE' | 'DECLINE' | null>(null);
  const { refusal, clear: clearRefusal, refuse } = useRefusal();
  const blocked = !me
    ? 'Checking who you are…'
    : me.role === 'admin'
      ? null
      : `Only admins approve or decline action runs; you are signed in as ${me.role}`;
  // Under an ALL rule the run still waits after my approval: approving again changes nothing.
  const approvedByMe = Boolean(
    me && run.approval?.userId === me.id && run.approval.state === 'APPROVED',
  );
  const close = () => setDialog(null);

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {ruleText(run.requiredApproval)}
      </Text>
      <Approvers run={run} />
      {waiting && (
        <Stack gap={6} align="flex-start">
          <Group gap="xs">
            <Button
              size="xs"
              color="teal"
              disabled={Boolean(blocked) || approvedByMe}
              loading={decide.isPending && decide.variables.status === 'APPROVE'}
              onClick={() => setDialog('APPROVE')}
            >
              Approve
            </Button>
            <Button
              size="xs"
              color="red"
              variant="light"
              disabled={Boolean(blocked)}
              loading={decide.isPending && decide.variables.status === 'DECLINE'}
              onClick={() => setDialog('DECLINE')}
            >
              Decline
            </Button>
          </Group>
          {blocked && (
            <Text size="xs" c="dimmed">
              {blocked}
            </Text>
          )}
        </Stack>
      )}
      {refusal && <RefusalAlert message={refusal} onClose={clearRefusal} />}
      <ControlDialog
        opened={dialog !== null}
        onClose={close}
        title={dialog === 'DECLINE' ? 'Decline this run' : 'Approve this run'}
        confirmLabel={dialog === 'DECLINE' ? 'Decline run' : 'Approve run'}
        confirmColor={dialog === 'DECLINE' ? 'red' : 'teal'}
        reasonRequired={false}
        preview={
          dialog === 'DECLINE'
            ? 'The run ends DECLINED and its backend is never called.'
            : run.requiredApproval !== false &&
                typeof run.requiredApproval === 'object' &&
                run.requiredApproval.type === 'ALL'
              ? 'Your approval is recorded; the run starts once every admin has approved.'
              : 'The run starts IN_PROGRESS and its backend is called.'
        }
        onConfirm={(reason) => {
          const status = dialog ?? 'APPROVE';
          close();
          clearRefusal();
          decide.mutate({ status, description: reason || undefined }, { onError: refuse });
        }}
      />
    </Stack>
  );
}

function Approvers({ run }: { run: ActionRunV2 }) {
  const approvers = useQuery(actionRunApproversQueryOptions(run.id, run.updatedAt));
  if (approvers.isPending) return <Skeleton h={60} />;
  if (approvers.isError) {
    return <ErrorState error={approvers.error} onRetry={() => void approvers.refetch()} />;
  }
  if (approvers.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No admin can approve this run.
      </Text>
    );
  }
  return (
    <Table aria-label="Approvers" verticalSpacing={4} withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Approver</Table.Th>
          <Table.Th>Decision</Table.Th>
          <Table.Th>Reason</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {approvers.data.map((a) => (
          <Table.Tr key={a.userId}>
            <Table.Td>
              <UserName id={a.userId} />
            </Table.Td>
            <Table.Td>
              <Badge size="sm" variant="light" color={DECISION[a.state].color}>
                {DECISION[a.state].label}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text
                size="sm"
                c={a.description ? undefined : 'dimmed'}
                style={{ wordBreak: 'break-word' }}
              >
                {a.description ?? '–'}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
