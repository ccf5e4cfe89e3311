import { Anchor, Badge, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { Workflow, WorkflowRunSummary } from '../../../../contract/workflows';
import { CopyButton } from '../../../components/CopyButton';
import { Duration } from '../../../components/Duration';
import { RelativeTime } from '../../../components/RelativeTime';
import { StatusBadge, workflowRunState } from '../../../components/StatusBadge';
import { Fact } from '../../../components/Fact';
import { RunEntityLink } from '../../../components/RunEntityLink';
import { RunName } from '../../../components/RunName';
import { CancelledBy, isCancelledOrCancelling } from './CancelledBy';
import { CompareLinks } from './CompareLinks';
import { RunControls } from './RunControls';
import { UserName } from '../../../components/UserName';
import { WorkflowName } from '../../../components/WorkflowName';

export function RunHeader({
  run,
  workflow,
  workflowDeleted = false,
  actions = true,
}: {
  run: WorkflowRunSummary;
  workflow: Workflow | undefined;
  /** Deleted since: its name (as the run recorded it) is shown, not linked, and said to be gone. */
  workflowDeleted?: boolean;
  /** Compare links and run controls (their dialogs and queries); false until the page mounts them. */
  actions?: boolean;
}) {
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group gap="xs" wrap="wrap">
          <WorkflowName
            identifier={run.workflowIdentifier}
            name={workflow?.title ?? run.title ?? run.workflowIdentifier}
            deleted={workflowDeleted}
          />
          <Text size="sm" c="dimmed">
            /
          </Text>
          <Text size="sm" c="dimmed">
            run
          </Text>
        </Group>
        <Group gap="sm" wrap="wrap" align="flex-start">
          <Title order={1} ff="monospace" fz="h3">
            {run.identifier}
          </Title>
          <CopyButton value={run.identifier} label="Copy run id" />
          <StatusBadge state={workflowRunState(run.status, run.result)} size="md" />
          {workflow && workflow.version !== run.workflow.version && (
            <Badge variant="outline" color="gray" size="sm">
              ran version {run.workflow.version} (now v{workflow.version})
            </Badge>
          )}
          <Group ml="auto" gap="xs" wrap="wrap">
            {actions && <CompareLinks run={run} />}
            {actions && <RunControls run={run} workflowDeleted={workflowDeleted} />}
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} spacing="md">
          <Fact label="Started by">
            <UserName id={run.createdBy} />
          </Fact>
          <Fact label="Started">
            <RelativeTime value={run.createdAt} />
          </Fact>
          <Fact label="Completed">
            {run.completedAt ? (
              <RelativeTime value={run.completedAt} />
            ) : (
              <Text size="sm" c="dimmed">
                not yet
              </Text>
            )}
          </Fact>
          <Fact label="Duration">
            <Duration start={run.createdAt} end={run.completedAt} />
          </Fact>
          <Fact label="Entity">
            <RunEntityLink entity={run.entity} />
          </Fact>
          {actions && isCancelledOrCancelling(run) && <CancelledBy run={run} />}
          {run.rerunOf && (
            <Fact label="Re-run of">
              {/* Once retention removed it: named, not linked to a page that would say "not found". */}
              <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
                <RunName
                  to="/runs/$runId"
                  runId={run.rerunOf}
                  gone={run.rerunOfDeleted ? { retentionDays: null } : null}
                  inherit
                />
              </Text>
            </Fact>
          )}
          {run.reruns && run.reruns.length > 0 && (
            <Fact label="Re-runs">
              <Group gap={6}>
                {run.reruns.map((id) => (
                  <Anchor
                    key={id}
                    size="sm"
                    ff="monospace"
                    renderRoot={(props) => (
                      <Link to="/runs/$runId" params={{ runId: id }} {...props} />
                    )}
                  >
                    {id}
                  </Anchor>
                ))}
              </Group>
            </Fact>
          )}
        </SimpleGrid>
        <Fact label="Inputs">
          <Inputs inputs={run.inputs} />
        </Fact>
      </Stack>
    </Paper>
  );
}

const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Flat inputs read best as key = value; anything nested is shown as JSON text. */
function Inputs({ inputs }: { inputs: Record<string, unknown> }) {
  const entries = Object.entries(inputs);
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  if (entries.length <= 12 && entries.every(([, v]) => isScalar(v))) {
    return (
      <Group gap="xs" wrap="wrap">
        {entries.map(([k, v]) => (
          <Code key={k} fz="xs">
            {k} = {JSON.stringify(v)}
          </Code>
        ))}
      </Group>
    );
  }
  return (
    <Code block fz="xs" mah={160} style={{ overflow: 'auto' }}>
      {JSON.stringify(inputs, null, 2)}
    </Code>
  );
}
