import { Anchor, Group } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { CopyButton } from './CopyButton';

/** A run's id in a list: a link to the run's page, with a button that copies the id. */
export function RunIdLink({
  to,
  runId,
}: {
  to: '/runs/$runId' | '/actions/runs/$runId';
  runId: string;
}) {
  return (
    <Group gap={4} wrap="nowrap">
      <Anchor
        ff="monospace"
        size="sm"
        renderRoot={(props) => <Link to={to} params={{ runId }} {...props} />}
      >
        {runId}
      </Anchor>
      <CopyButton value={runId} label="Copy run id" />
    </Group>
  );
}
