import { Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { ActionRunV2 } from '../../../../contract/actions';
import { Duration } from '../../../components/Duration';
import { EmptyState } from '../../../components/EmptyState';
import { PagedList } from '../../../components/ListPaging';
import { ListTable } from '../../../components/ListTable';
import { RelativeTime } from '../../../components/RelativeTime';
import { RunIdLink } from '../../../components/RunIdLink';
import { ShortcutRow } from '../../../components/ShortcutRow';
import { RunActionButton } from '../../../components/start-run/StartRunModal';
import { useNewestFirstList } from '../../../lib/use-newest-first-list';
import { actionRunQueryOptions, actionRunsList } from '../api';
import { isActionRunFinished, newActionRunsSince } from '../model';
import type { ActionRunFilters as Filters } from '../search';
import { ActionRunFilters } from './ActionRunFilters';
import { ActionRunStatus } from './ActionRunStatus';
import { EntityLink } from './EntityLink';
import { anyFilterSet } from '../../../lib/search-params';
import { UserName } from '../../../components/UserName';

interface Props {
  filters: Filters;
  onFiltersChange: (patch: Partial<Filters>) => void;
}

/** The audit log's Runs tab: every action run in the organization, newest first. */
export function ActionRunsPage({ filters, onFiltersChange }: Props) {
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            Action runs
          </Title>
          <Text c="dimmed" size="sm">
            Every run of a self-service action in the organization, newest first.
          </Text>
        </div>
        <RunActionButton />
      </Group>
      <ActionRunFilters filters={filters} onChange={onFiltersChange} />
      <ActionRunsList filters={filters} />
    </Stack>
  );
}

function ActionRunsList({ filters }: { filters: Filters }) {
  const { query, rows, banner } = useNewestFirstList({
    ...actionRunsList(filters),
    newSince: newActionRunsSince,
    noun: 'run',
  });
  const filtered = anyFilterSet(filters);
  return (
    <PagedList query={query} loadingLabel="Loading action runs" banner={banner}>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'No action runs match these filters' : 'No action runs yet'}>
          {filtered
            ? 'Change or clear the filters to see more runs.'
            : 'Runs appear here as soon as someone runs a self-service action.'}
        </EmptyState>
      ) : (
        <ActionRunsTable runs={rows} />
      )}
    </PagedList>
  );
}

function ActionRunsTable({ runs }: { runs: ActionRunV2[] }) {
  return (
    <ListTable minWidth={1100} aria-label="Action runs" highlightOnHover verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Status</Table.Th>
          <Table.Th>Run</Table.Th>
          <Table.Th>Action</Table.Th>
          <Table.Th>Blueprint</Table.Th>
          <Table.Th>Entity</Table.Th>
          <Table.Th>Started by</Table.Th>
          <Table.Th>Started</Table.Th>
          <Table.Th>Duration</Table.Th>
          <Table.Th>Source</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {runs.map((run) => (
          <ActionRunRow key={run.id} listed={run} />
        ))}
      </Table.Tbody>
    </ListTable>
  );
}

/** A run still in progress polls itself (until it ends); a finished row is never refetched. */
function ActionRunRow({ listed }: { listed: ActionRunV2 }) {
  const navigate = useNavigate();
  const live = useQuery({
    ...actionRunQueryOptions(listed.id),
    enabled: !isActionRunFinished(listed),
  });
  const run = live.data && live.data.updatedAt >= listed.updatedAt ? live.data : listed;
  return (
    <ShortcutRow
      onOpen={() => void navigate({ to: '/actions/runs/$runId', params: { runId: run.id } })}
    >
      <Table.Td data-label="Status">
        <ActionRunStatus run={run} />
      </Table.Td>
      <Table.Td data-label="Run">
        <RunIdLink to="/actions/runs/$runId" runId={run.id} />
      </Table.Td>
      <Table.Td data-label="Action">
        <Text size="sm">{run.action.title ?? run.action.identifier}</Text>
      </Table.Td>
      <Table.Td data-label="Blueprint">
        {run.blueprint ? (
          <Text size="sm">{run.blueprint.title ?? run.blueprint.identifier}</Text>
        ) : (
          <Text size="sm" c="dimmed">
            –
          </Text>
        )}
      </Table.Td>
      <Table.Td data-label="Entity">
        <EntityLink run={run} />
      </Table.Td>
      <Table.Td data-label="Started by">
        <UserName id={run.createdBy} />
      </Table.Td>
      <Table.Td data-label="Started">
        <RelativeTime value={run.createdAt} />
      </Table.Td>
      <Table.Td data-label="Duration">
        <Duration start={run.createdAt} end={run.endedAt} />
      </Table.Td>
      <Table.Td data-label="Source">
        <Text size="sm">{run.source}</Text>
      </Table.Td>
    </ShortcutRow>
  );
}
