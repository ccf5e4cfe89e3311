import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import {
  TERMINATION_STATUSES,
  type ActionRunV2,
  type TerminationStatus,
} from '../../../../contract/actions';
import { useMarkActionRunComplete } from '../controls-api';
import {
  ChoiceRadios,
  ControlDialog,
  RefusalAlert,
  useBlockedReason,
  useRefusal,
} from '../../../components/run-controls';

/** "Mark complete" on an action run in progress: its button, dialog and any refusal. */
export function MarkActionRunComplete({ run }: { run: ActionRunV2 }) {
  const mark = useMarkActionRunComplete(run.id);
  const [opened, setOpened] = useState(false);
  const { refusal, clear, refuse } = useRefusal();
  const blocked = useBlockedReason(run.createdBy, 'mark it complete');
  if (run.status !== 'IN_PROGRESS' && !refusal) return null;
  return (
    <Stack gap={6} align="flex-end">
      {run.status === 'IN_PROGRESS' && (
        <Group gap="sm">
          {blocked && (
            <Text size="xs" c="dimmed">
              {blocked}
            </Text>
          )}
          <Button
            size="xs"
            variant="default"
            disabled={Boolean(blocked)}
            onClick={() => setOpened(true)}
          >
            Mark complete
          </Button>
        </Group>
      )}
      {refusal && <RefusalAlert message={refusal} onClose={clear} />}
      <MarkActionRunCompleteDialog
        opened={opened}
        onClose={() => setOpened(false)}
        onConfirm={(input) => {
          setOpened(false);
          clear();
          mark.mutate(input, { onError: refuse });
        }}
      />
    </Stack>
  );
}

function MarkActionRunCompleteDialog({
  opened,
  onClose,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  onConfirm: (input: {
    status: TerminationStatus;
    statusLabel: string | undefined;
    reason: string;
  }) => void;
}) {
  const [status, setStatus] = useState<TerminationStatus>('SUCCESS');
  const [label, setLabel] = useState('');
  const statusLabel = label.trim() || undefined;
  return (
    <ControlDialog
      opened={opened}
      onClose={onClose}
      title="Mark this action run complete"
      confirmLabel={`Mark ${status}`}
      confirmColor={status === 'SUCCESS' ? 'teal' : 'red'}
      reasonRequired
      preview={
        <>
          The run ends{' '}
          <Text span fw={600}>
            {status}
          </Text>
          {statusLabel && ` labelled “${statusLabel}”`}; the reason is added to its log, and a
          backend reporting later is refused.
        </>
      }
      onConfirm={(reason) => onConfirm({ status, statusLabel, reason })}
    >
      <ChoiceRadios
        label="Status"
        choices={TERMINATION_STATUSES}
        value={status}
        onChange={setStatus}
      />
      <TextInput
        label="Status label"
        description="Optional: shown beside the status, e.g. “Rolled back by hand”"
        maxLength={1000}
        value={label}
        onChange={(e) => setLabel(e.currentTarget.value)}
        data-autofocus
      />
    </ControlDialog>
  );
}
