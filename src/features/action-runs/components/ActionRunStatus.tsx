import { Badge, Group } from '@mantine/core';
import type { ActionRunV2 } from '../../../../contract/actions';
import { StatusBadge, actionRunState } from '../../../components/StatusBadge';
import { informativeLabel } from '../model';

/** The status badge, and beside it the backend's label where it says more, in a neutral colour. */
export function ActionRunStatus({
  run,
  size = 'sm',
}: {
  run: Pick<ActionRunV2, 'status' | 'statusLabel'>;
  size?: 'xs' | 'sm' | 'md';
}) {
  const label = informativeLabel(run);
  return (
    <Group gap={6} wrap="nowrap">
      <StatusBadge state={actionRunState(run.status)} size={size} />
      {label && (
        <Badge
          color="gray"
          variant="outline"
          size={size}
          styles={{ root: { textTransform: 'none' } }}
          title="Status label set by the backend"
        >
          {label}
        </Badge>
      )}
    </Group>
  );
}
