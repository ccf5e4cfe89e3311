import { Anchor, Group, Text, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { CopyButton } from './CopyButton';
import { RunIdLink } from './RunIdLink';

/**
 * A run that no longer exists, as an audit entry says ([ext] `runDeleted`): `retentionDays` when
 * the server's retention removed it (RETENTION_DAYS), null when the reason is not known.
 */
export interface GoneRun {
  retentionDays: number | null;
}

/** What the tooltip on a gone run's id says. */
export const deletedRunHint = (runId: string, { retentionDays }: GoneRun) =>
  retentionDays === null
    ? `Run ${runId} no longer exists. What it did stays in the audit log.`
    : `Run ${runId} was removed by retention ${retentionDays} ${retentionDays === 1 ? 'day' : 'days'} after it finished. What it did stays in the audit log.`;

/**
 * A run by its id, as an entry recorded it: a link to the run's page while the run exists; once
 * gone, the id as plain text with "(deleted)" and a tooltip saying why, never a link to a page
 * that would only say "not found" (the same pattern as WorkflowName). `inherit`: inline in the
 * surrounding text's size, without the copy button a list's cell has.
 */
export function RunName({
  to,
  runId,
  gone,
  inherit,
}: {
  to: '/runs/$runId' | '/actions/runs/$runId';
  runId: string;
  gone: GoneRun | null;
  inherit?: boolean;
}) {
  if (gone) {
    const id = (
      <Tooltip
        label={deletedRunHint(runId, gone)}
        withArrow
        multiline
        maw={300}
        events={{ hover: true, focus: false, touch: true }}
      >
        <Text component="span" {...(inherit ? { inherit: true } : { size: 'sm' })} data-run-deleted>
          <Text component="span" inherit ff="monospace">
            {runId}
          </Text>{' '}
          <Text component="span" inherit c="dimmed">
            (deleted)
          </Text>
        </Text>
      </Tooltip>
    );
    return inherit ? (
      id
    ) : (
      <Group gap={4} wrap="nowrap">
        {id}
        <CopyButton value={runId} label="Copy run id" />
      </Group>
    );
  }
  if (!inherit) return <RunIdLink to={to} runId={runId} />;
  return (
    <Anchor
      inherit
      ff="monospace"
      renderRoot={(props) => <Link to={to} params={{ runId }} {...props} />}
    >
      {runId}
    </Anchor>
  );
}
