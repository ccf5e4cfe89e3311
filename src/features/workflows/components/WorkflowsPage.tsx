import { Anchor, Badge, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { RunResult, RunStatus, Workflow } from '../../../../contract/workflows';
import { ListTable } from '../../../components/ListTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { RelativeTime } from '../../../components/RelativeTime';
import { ShortcutRow } from '../../../components/ShortcutRow';
import { StatusBadge, workflowRunState } from '../../../components/StatusBadge';
import { WorkflowAvatar } from '../../../components/WorkflowAvatar';
import { workflowsQueryOptions } from '../api';

export function WorkflowsPage() {
  const workflows = useQuery(workflowsQueryOptions());
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Workflows
      </Title>
      {workflows.isPending ? (
        <TableSkeleton />
      ) : workflows.isError ? (
        <ErrorState error={workflows.error} onRetry={() => void workflows.refetch()} />
      ) : workflows.data.length === 0 ? (
        <EmptyState title="No workflows yet">
          Create one with <code>POST /v1/workflows</code>; its runs will show up here.
        </EmptyState>
      ) : (
        <WorkflowsTable workflows={workflows.data} />
      )}
    </Stack>
  );
}

function WorkflowsTable({ workflows }: { workflows: Workflow[] }) {
  return (
    <ListTable minWidth={760} aria-label="Workflows" highlightOnHover verticalSpacing="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Workflow</Table.Th>
          <Table.Th ta="right">Nodes</Table.Th>
          <Table.Th>Last run</Table.Th>
          <Table.Th>In progress</Table.Th>
          <Table.Th ta="right">Total runs</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {workflows.map((w) => (
          <WorkflowRow key={w.identifier} workflow={w} />
        ))}
      </Table.Tbody>
    </ListTable>
  );
}

function WorkflowRow({ workflow: w }: { workflow: Workflow }) {
  const navigate = useNavigate();
  const last = w.stats?.lastRun ?? null;
  const inProgress = w.stats?.inProgress ?? 0;
  return (
    <ShortcutRow
      onOpen={() =>
        void navigate({ to: '/workflows/$workflowId', params: { workflowId: w.identifier } })
      }
    >
      <Table.Td data-label="Workflow" data-wide>
        <Group gap="sm" wrap="nowrap">
          <WorkflowAvatar title={w.title} icon={w.icon} />
          <div>
            <Anchor
              fw={600}
              renderRoot={(props) => (
                <Link
                  to="/workflows/$workflowId"
                  params={{ workflowId: w.identifier }}
                  {...props}
                />
              )}
            >
              {w.title}
            </Anchor>
            <Text size="xs" c="dimmed" ff="monospace">
              {w.identifier}
            </Text>
          </div>
        </Group>
      </Table.Td>
      <Table.Td data-label="Nodes" ta="right">
        {w.nodes.length}
      </Table.Td>
      <Table.Td data-label="Last run" data-wide>
        {last ? (
          <Group gap="xs" wrap="nowrap">
            <StatusBadge
              state={workflowRunState(last.status as RunStatus, last.result as RunResult | null)}
            />
            <RelativeTime value={last.createdAt} c="dimmed" />
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Never run
          </Text>
        )}
      </Table.Td>
      <Table.Td data-label="In progress">
        {inProgress > 0 ? (
          <Badge color="blue" variant="filled" size="sm" circle={inProgress < 10}>
            {inProgress}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            –
          </Text>
        )}
      </Table.Td>
      <Table.Td data-label="Total runs" ta="right">
        {w.stats?.total ?? '–'}
      </Table.Td>
    </ShortcutRow>
  );
}

function TableSkeleton() {
  return (
    <Stack gap="xs" aria-busy="true" aria-label="Loading">
      {Array.from({ length: 5 }, (_, i) => (
        <Skeleton key={i} h={48} />
      ))}
    </Stack>
  );
}
