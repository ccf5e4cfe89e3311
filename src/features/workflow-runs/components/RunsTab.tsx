import { Paper, Stack, Table, Text } from '@mantine/core';
import {
  type InfiniteData,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo } from 'react';
import type { WorkflowRun } from '../../../../contract/workflows';
import { Duration } from '../../../components/Duration';
import { PagedList } from '../../../components/ListPaging';
import { EmptyState } from '../../../components/EmptyState';
import { RelativeTime } from '../../../components/RelativeTime';
import { RunIdLink } from '../../../components/RunIdLink';
import { ShortcutRow } from '../../../components/ShortcutRow';
import { StatusBadge, workflowRunState } from '../../../components/StatusBadge';
import {
  PROBE_SIZE,
  liveRunsQueryOptions,
  newRunsProbeOptions,
  runKeys,
  runsInfiniteQueryOptions,
} from '../api';
import { inProgressIds, newRunsSince, patchPages, type RunsPage } from '../model';
import type { RunFilters as Filters } from '../search';
import { RunFilters } from './RunFilters';
import { anyFilterSet } from '../../../lib/search-params';
import { UserName } from '../../../components/UserName';

type RunsData = InfiniteData<RunsPage, string | null>;

interface Props {
  workflowId: string;
  filters: Filters;
  onFiltersChange: (patch: Partial<Filters>) => void;
}

export function RunsTab({ workflowId, filters, onFiltersChange }: Props) {
  const clear = () =>
    onFiltersChange({
      status: undefined,
      createdBy: undefined,
      entity: undefined,
      range: undefined,
      from: undefined,
      to: undefined,
    });
  return (
    <Stack gap="md">
      <RunFilters filters={filters} onChange={onFiltersChange} onClear={clear} />
      <RunsList workflowId={workflowId} filters={filters} />
    </Stack>
  );
}

function RunsList({ workflowId, filters }: { workflowId: string; filters: Filters }) {
  const queryClient = useQueryClient();
  const listOptions = runsInfiniteQueryOptions(workflowId, filters);
  const runs = useInfiniteQuery(listOptions);
  const rows = useMemo(() => runs.data?.pages.flatMap((p) => p.workflowRuns) ?? [], [runs.data]);

  const liveIds = useMemo(() => inProgressIds(rows), [rows]);
  const live = useQuery(liveRunsQueryOptions(liveIds));
  useEffect(() => {
    if (!live.data) return;
    queryClient.setQueryData(runKeys.list(workflowId, filters), (old: RunsData | undefined) =>
      patchPages(old, live.data),
    );
  }, [live.data, queryClient, workflowId, filters]);

  const probe = useQuery({ ...newRunsProbeOptions(workflowId, filters), enabled: runs.isSuccess });
  const newCount = probe.data ? newRunsSince(rows, probe.data) : 0;

  const filtered = anyFilterSet(filters);
  return (
    <PagedList
      query={runs}
      loadingLabel="Loading runs"
      banner={{
        count: newCount,
        cap: PROBE_SIZE,
        noun: 'run',
        onShow: () => void queryClient.resetQueries({ queryKey: listOptions.queryKey }),
      }}
    >
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'No runs match these filters' : 'No runs yet'}>
          {filtered
            ? 'Change or clear the filters to see more runs.'
            : 'Runs of this workflow will appear here as soon as one starts.'}
        </EmptyState>
      ) : (
        <RunsTable runs={rows} />
      )}
    </PagedList>
  );
}

function RunsTable({ runs }: { runs: WorkflowRun[] }) {
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={860}>
        <Table aria-label="Workflow runs" highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Run</Table.Th>
              <Table.Th>Started by</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Entity</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.map((run) => (
              <RunRow key={run.identifier} run={run} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function RunRow({ run }: { run: WorkflowRun }) {
  const navigate = useNavigate();
  return (
    <ShortcutRow
      onOpen={() => void navigate({ to: '/runs/$runId', params: { runId: run.identifier } })}
    >
      <Table.Td>
        <StatusBadge state={workflowRunState(run.status, run.result)} />
      </Table.Td>
      <Table.Td>
        <RunIdLink to="/runs/$runId" runId={run.identifier} />
      </Table.Td>
      <Table.Td>
        <UserName id={run.createdBy} />
      </Table.Td>
      <Table.Td>
        <RelativeTime value={run.createdAt} />
      </Table.Td>
      <Table.Td>
        <Duration start={run.createdAt} end={run.completedAt} />
      </Table.Td>
      <Table.Td>
        <Text
          size="sm"
          ff={run.entity ? 'monospace' : undefined}
          c={run.entity ? undefined : 'dimmed'}
        >
          {run.entity ?? '–'}
        </Text>
      </Table.Td>
    </ShortcutRow>
  );
}
