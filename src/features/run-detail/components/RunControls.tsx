import { Button, Group, Stack, Text, Tooltip, type ButtonProps } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import {
  RUN_RESULTS,
  type RunResult,
  type WorkflowRunSummary,
} from '../../../../contract/workflows';
import { useRunAct } from '../controls-api';
import { rerunRefusedHint } from '../../../components/WorkflowName';
import {
  ChoiceRadios,
  ControlDialog,
  RefusalAlert,
  useBlockedReason,
  useRefusal,
} from '../../../components/run-controls';

/**
 * Port's two cancels of a whole run, one dialog in the words of each: plain (the run is
 * CANCELLING until the node runs in progress finish) or forced (they end CANCELLED at once).
 */
const CANCELS = {
  cancel: {
    force: false,
    title: 'Cancel this run',
    confirmLabel: 'Cancel run',
    preview:
      'The run becomes CANCELLING: no other node starts, the node runs in progress may still finish (their backends report as usual), and then the run completes CANCELLED.',
  },
  'force-cancel': {
    force: true,
    title: 'Force-cancel this run',
    confirmLabel: 'Force cancel',
    preview:
      'Every node run still in progress ends CANCELLED now, no other node starts, and the run completes CANCELLED. A backend reporting later is refused.',
  },
} as const;
type CancelKind = keyof typeof CANCELS;
const CANCEL_KINDS = Object.keys(CANCELS) as CancelKind[];

/**
 * The whole run's acts: mark it complete, cancel it (Port's plain cancel: CANCELLING until the
 * node runs in progress finish; or forced: they end CANCELLED at once), re-run it.
 */
export function RunControls({
  run,
  workflowDeleted = false,
}: {
  run: WorkflowRunSummary;
  /** Its workflow has been deleted since: Re-run is disabled, its tooltip says why. */
  workflowDeleted?: boolean;
}) {
  const navigate = useNavigate();
  const act = useRunAct(run.identifier);
  const [dialog, setDialog] = useState<'complete' | CancelKind | 'rerun' | null>(null);
  const { refusal, clear, refuse } = useRefusal();
  const blocked = useBlockedReason(run.createdBy);
  const open = run.status !== 'COMPLETED';
  const close = () => setDialog(null);
  /** A dialog's act: the dialog closes, the last refusal goes, and a new one shows if refused. */
  const confirm: typeof act.mutate = (input, options) => {
    close();
    clear();
    act.mutate(input, {
      ...options,
      onError: (err, ...rest) => {
        refuse(err);
        options?.onError?.(err, ...rest);
      },
    });
  };

  return (
    <Stack gap={6} align="flex-end">
      <Group gap="xs" justify="flex-end">
        {open && (
          <>
            <Button
              size="xs"
              variant="default"
              disabled={Boolean(blocked)}
              loading={act.isPending && act.variables.kind === 'complete'}
              onClick={() => setDialog('complete')}
            >
              Mark run complete
            </Button>
            {run.status === 'IN_PROGRESS' && (
              <Button
                size="xs"
                variant="default"
                disabled={Boolean(blocked)}
                loading={act.isPending && act.variables.kind === 'cancel' && !act.variables.force}
                onClick={() => setDialog('cancel')}
              >
                Cancel run
              </Button>
            )}
            <Button
              size="xs"
              variant="light"
              color="red"
              disabled={Boolean(blocked)}
              loading={act.isPending && act.variables.kind === 'cancel' && act.variables.force}
              onClick={() => setDialog('force-cancel')}
            >
              Force cancel
            </Button>
          </>
        )}
        <RerunButton
          size="xs"
          variant="default"
          blocked={Boolean(blocked)}
          workflowDeleted={workflowDeleted ? run.workflowIdentifier : null}
          loading={act.isPending && act.variables.kind === 'rerun'}
          onClick={() => setDialog('rerun')}
        >
          Re-run
        </RerunButton>
      </Group>
      {blocked && (
        <Text size="xs" c="dimmed">
          {blocked}
        </Text>
      )}
      {refusal && <RefusalAlert message={refusal} onClose={clear} />}
      <CompleteRunDialog
        opened={dialog === 'complete'}
        onClose={close}
        onConfirm={(result, reason) => confirm({ kind: 'complete', result, reason })}
      />
      {CANCEL_KINDS.map((kind) => (
        <ControlDialog
          key={kind}
          opened={dialog === kind}
          onClose={close}
          title={CANCELS[kind].title}
          confirmLabel={CANCELS[kind].confirmLabel}
          confirmColor="red"
          reasonRequired={false}
          preview={CANCELS[kind].preview}
          onConfirm={(reason) =>
            confirm({ kind: 'cancel', force: CANCELS[kind].force, ...(reason ? { reason } : {}) })
          }
        />
      ))}
      <RerunDialog
        opened={dialog === 'rerun'}
        onClose={close}
        fromTitle={null}
        onConfirm={(reason) =>
          confirm(
            { kind: 'rerun', ...(reason ? { reason } : {}) },
            {
              onSuccess: (next) =>
                void navigate({ to: '/runs/$runId', params: { runId: next.identifier } }),
            },
          )
        }
      />
    </Stack>
  );
}

function CompleteRunDialog({
  opened,
  onClose,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  onConfirm: (result: RunResult, reason: string) => void;
}) {
  const [result, setResult] = useState<RunResult>('SUCCESS');
  return (
    <ControlDialog
      opened={opened}
      onClose={onClose}
      title="Mark this run complete"
      confirmLabel={`Mark run ${result}`}
      confirmColor={result === 'SUCCESS' ? 'teal' : 'red'}
      reasonRequired
      preview={
        <>
          Every node run still in progress ends {result}, no other node starts, and the run ends
          with result{' '}
          <Text span fw={600}>
            {result}
          </Text>
          .
        </>
      }
      onConfirm={(reason) => onConfirm(result, reason)}
    >
      <ChoiceRadios
        label="Result"
        choices={RUN_RESULTS}
        value={result}
        onChange={setResult}
        autofocusChosen
      />
    </ControlDialog>
  );
}

/**
 * A re-run button: disabled when the person may not control the run (`blocked`, said beside the
 * buttons), or when its workflow has been deleted since (`workflowDeleted`: its identifier), then
 * with a tooltip saying why. That one stays focusable (aria-disabled, Mantine's data-disabled
 * look) so the tooltip shows on hover, focus and touch; a click does nothing.
 */
export function RerunButton({
  blocked,
  workflowDeleted,
  onClick,
  children,
  ...props
}: ButtonProps & {
  blocked: boolean;
  workflowDeleted: string | null;
  onClick: () => void;
  children: string;
}) {
  if (workflowDeleted === null || blocked) {
    return (
      <Button {...props} disabled={blocked} onClick={onClick}>
        {children}
      </Button>
    );
  }
  return (
    <Tooltip
      label={rerunRefusedHint(workflowDeleted)}
      withArrow
      multiline
      maw={280}
      events={{ hover: true, focus: true, touch: true }}
    >
      <Button
        {...props}
        loading={false}
        data-disabled
        aria-disabled
        onClick={(e) => e.preventDefault()}
      >
        {children}
      </Button>
    </Tooltip>
  );
}

/** Re-run the whole run, or (with `fromTitle`) from one node, reusing what came before it. */
export function RerunDialog({
  opened,
  onClose,
  fromTitle,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  fromTitle: string | null;
  onConfirm: (reason: string) => void;
}) {
  return (
    <ControlDialog
      opened={opened}
      onClose={onClose}
      title={fromTitle ? `Re-run from ${fromTitle}` : 'Re-run this run'}
      confirmLabel={fromTitle ? 'Re-run from here' : 'Re-run'}
      reasonRequired={false}
      preview={
        fromTitle
          ? `A new run starts with the same inputs; the nodes before ${fromTitle} reuse this run's results and outputs, and ${fromTitle} starts. You are taken to it.`
          : 'A new run starts with the same inputs and entity, linked to this one. You are taken to it.'
      }
      onConfirm={onConfirm}
    />
  );
}
