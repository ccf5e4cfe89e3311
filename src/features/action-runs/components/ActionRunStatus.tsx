import { Badge, Group } from '@mantine/core';
import type { ActionRunV2 } from '../../../../contract/actions';
import { StatusBadge, actionRunState } from '../../../components/StatusBadge';
import { statusLabelColor } from '../model';

/** The status badge, and beside it the backend's own label for the run (if it set one). */
export function ActionRunStatus({
  run,
  size = 'sm',
}: {
  run: Pick<ActionRunV2, 'status' | 'statusLabel'>;
  size?: 'xs' | 'sm' | 'md';
}) {
  return (
    <Group gap={6} wrap="nowrap">
      <StatusBadge state={actionRunState(run.status)} size={size} />
      {run.statusLabel && (
        <Badge
          color={statusLabelColor(run.status)}
          variant="outline"
          size={size}
          styles={{ root: { textTransform: 'none' } }}
          title="Status label"
        >
          {run.statusLabel}
        </Badge>
      )}
    </Group>
  );
}
