import { Badge, Loader, type MantineColor } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ActionRunStatus } from '../../contract/actions';
import type { RunResult, RunStatus } from '../../contract/workflows';
import { BanIcon, CheckIcon, CircleIcon, ClockIcon, XIcon } from './icons';

/**
 * The one status vocabulary for both run kinds. Workflow runs and node runs report a status and,
 * once completed, a result; action runs report one status. Both map onto these states.
 */
export type RunState =
  | 'not-started'
  | 'skipped'
  | 'in-progress'
  | 'cancelling'
  | 'success'
  | 'failed'
  | 'cancelled'
  | 'completed'
  | 'waiting-for-approval'
  | 'declined';

/** Workflow run or node run: status + result. */
export function workflowRunState(status: RunStatus, result: RunResult | null): RunState {
  switch (status) {
    case 'IN_PROGRESS':
      return 'in-progress';
    case 'CANCELLING':
      return 'cancelling';
    case 'COMPLETED':
      switch (result) {
        case 'SUCCESS':
          return 'success';
        case 'FAILED':
          return 'failed';
        case 'CANCELLED':
          return 'cancelled';
        case null:
          return 'completed';
      }
  }
}

export function actionRunState(status: ActionRunStatus): RunState {
  switch (status) {
    case 'IN_PROGRESS':
      return 'in-progress';
    case 'SUCCESS':
      return 'success';
    case 'FAILURE':
      return 'failed';
    case 'WAITING_FOR_APPROVAL':
      return 'waiting-for-approval';
    case 'DECLINED':
      return 'declined';
  }
}

export interface StateAppearance {
  label: string;
  color: MantineColor;
  /** Still moving: drawn animated, polled. */
  live: boolean;
}

export function stateAppearance(state: RunState): StateAppearance {
  switch (state) {
    case 'not-started':
      return { label: 'Not started', color: 'gray', live: false };
    case 'skipped':
      return { label: 'Did not run', color: 'gray', live: false };
    case 'in-progress':
      return { label: 'In progress', color: 'blue', live: true };
    case 'cancelling':
      return { label: 'Cancelling', color: 'orange', live: true };
    case 'success':
      return { label: 'Succeeded', color: 'teal', live: false };
    case 'failed':
      return { label: 'Failed', color: 'red', live: false };
    case 'cancelled':
      return { label: 'Cancelled', color: 'gray', live: false };
    case 'completed':
      return { label: 'Completed', color: 'gray', live: false };
    case 'waiting-for-approval':
      return { label: 'Waiting for approval', color: 'yellow', live: false };
    case 'declined':
      return { label: 'Declined', color: 'orange', live: false };
  }
}

export function StateIcon({ state, size = 14 }: { state: RunState; size?: number }): ReactNode {
  switch (state) {
    case 'in-progress':
    case 'cancelling':
      return <Loader size={size - 2} color="currentColor" type="oval" aria-hidden="true" />;
    case 'success':
    case 'completed':
      return <CheckIcon size={size} />;
    case 'failed':
      return <XIcon size={size} />;
    case 'cancelled':
    case 'declined':
      return <BanIcon size={size} />;
    case 'waiting-for-approval':
      return <ClockIcon size={size} />;
    case 'not-started':
    case 'skipped':
      return <CircleIcon size={size} />;
  }
}

export function StatusBadge({
  state,
  size = 'sm',
}: {
  state: RunState;
  size?: 'xs' | 'sm' | 'md';
}) {
  const { label, color } = stateAppearance(state);
  return (
    <Badge
      color={color}
      variant="light"
      size={size}
      leftSection={<StateIcon state={state} size={12} />}
      // A status is read in full: the badge never shrinks to "S…" in a narrow row.
      styles={{
        root: { textTransform: 'none', flexShrink: 0, maxWidth: 'none' },
        label: { overflow: 'visible' },
      }}
    >
      {label}
    </Badge>
  );
}
