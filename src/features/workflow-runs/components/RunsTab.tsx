import { Button, Checkbox, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { type InfiniteData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import type { WorkflowRunSummary } from '../../../../contract/workflows';
import { Duration } from '../../../components/Duration';
import { PagedList } from '../../../components/ListPaging';
import { ListTable } from '../../../components/ListTable';
import { EmptyState } from '../../../components/EmptyState';
import { RelativeTime } from '../../../components/RelativeTime';
import { RunEntityLink } from '../../../components/RunEntityLink';
import { RunIdLink } from '../../../components/RunIdLink';
import { ShortcutRow } from '../../../components/ShortcutRow';
import { StatusBadge, workflowRunState } from '../../../components/StatusBadge';
import { useNewestFirstList } from '../../../lib/use-newest-first-list';
import { liveRunsQueryOptions, runKeys, runsList } from '../api';
import { inProgressIds, newRunsSince, patchPages, type RunsPage } from '../model';
import type { RunFilters as Filters } from '../search';
import { RunFilters } from './RunFilters';
import { anyFilterSet } from '../../../lib/search-params';
import { UserName } from '../../../components/UserName';
import { useWorkflowDeleted } from '../../../components/pickers/WorkflowPicker';
import { WorkflowName } from '../../../components/WorkflowName';

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
      failedNode: undefined,
    });
  return (
    <Stack gap="md">
      <RunFilters filters={filters} onChange={onFiltersChange} onClear={clear} />
      <RunsList workflowId={workflowId} filters={filters} />
    </Stack>
  );
}

/** Runs of one workflow, or (without `workflowId`) of every workflow, with a Workflow column. */
export function RunsList({
  workflowId,
  filters,
}: {
  workflowId: string | undefined;
  filters: Filters;
}) {
  const queryClient = useQueryClient();
  const { query, rows, banner } = useNewestFirstList({
    ...runsList(workflowId, filters),
    newSince: newRunsSince,
    noun: 'run',
  });

  const liveIds = useMemo(() => inProgressIds(rows), [rows]);
  const live = useQuery(liveRunsQueryOptions(liveIds));
  useEffect(() => {
    if (!live.data) return;
    queryClient.setQueryData(runKeys.list(workflowId, filters), (old: RunsData | undefined) =>
      patchPages(old, live.data),
    );
  }, [live.data, queryClient, workflowId, filters]);

  const filtered = anyFilterSet(filters);
  return (
    <PagedList query={query} loadingLabel="Loading runs" banner={banner}>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'No runs match these filters' : 'No runs yet'}>
          {filtered
            ? 'Change or clear the filters to see more runs.'
            : workflowId
              ? 'Runs of this workflow will appear here as soon as one starts.'
              : 'Runs of every workflow will appear here as soon as one starts.'}
        </EmptyState>
      ) : (
        <RunsTable runs={rows} withWorkflow={!workflowId} />
      )}
    </PagedList>
  );
}

/** Pick two rows to compare them; a third pick replaces the older pick. */
function RunsTable({ runs, withWorkflow }: { runs: WorkflowRunSummary[]; withWorkflow: boolean }) {
  const [picked, setPicked] = useState<WorkflowRunSummary[]>([]);
  const toggle = (run: WorkflowRunSummary) =>
    setPicked((prev) =>
      prev.some((r) => r.identifier === run.identifier)
        ? prev.filter((r) => r.identifier !== run.identifier)
        : [...prev, run].slice(-2),
    );
  const [older, newer] = [...picked].sort((x, y) => x.createdAt.localeCompare(y.createdAt));
  return (
    <Stack gap="xs">
      <Group gap="sm" mih={30}>
        {older && newer ? (
          <Button
            size="xs"
            renderRoot={(props) => (
              <Link
                to="/runs/compare"
                search={{ a: older.identifier, b: newer.identifier }}
                {...props}
              />
            )}
          >
            Compare the 2 selected runs
          </Button>
        ) : (
          <Text size="xs" c="dimmed">
            {picked.length === 1
              ? 'Pick one more run to compare it with.'
              : 'Tick two runs to compare them side by side.'}
          </Text>
        )}
        {picked.length > 0 && (
          <Button size="xs" variant="subtle" onClick={() => setPicked([])}>
            Clear selection
          </Button>
        )}
      </Group>
      <ListTable
        minWidth={withWorkflow ? 1080 : 900}
        aria-label="Workflow runs"
        highlightOnHover
        verticalSpacing="xs"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36}>
              <VisuallyHidden>Compare</VisuallyHidden>
            </Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Run</Table.Th>
            {withWorkflow && <Table.Th>Workflow</Table.Th>}
            <Table.Th>Started by</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Duration</Table.Th>
            <Table.Th>Entity</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <RunRow
              key={run.identifier}
              run={run}
              withWorkflow={withWorkflow}
              picked={picked.some((r) => r.identifier === run.identifier)}
              onPick={() => toggle(run)}
            />
          ))}
        </Table.Tbody>
      </ListTable>
    </Stack>
  );
}

function RunRow({
  run,
  withWorkflow,
  picked,
  onPick,
}: {
  run: WorkflowRunSummary;
  withWorkflow: boolean;
  picked: boolean;
  onPick: () => void;
}) {
  const navigate = useNavigate();
  return (
    <ShortcutRow
      onOpen={() => void navigate({ to: '/runs/$runId', params: { runId: run.identifier } })}
    >
      <Table.Td data-label="Compare" onClick={(e) => e.stopPropagation()}>
        <Checkbox
          size="xs"
          checked={picked}
          onChange={onPick}
          aria-label={`Select run ${run.identifier} to compare`}
        />
      </Table.Td>
      <Table.Td data-label="Status">
        <StatusBadge state={workflowRunState(run.status, run.result)} />
      </Table.Td>
      <Table.Td data-label="Run">
        <RunIdLink to="/runs/$runId" runId={run.identifier} />
      </Table.Td>
      {withWorkflow && (
        <Table.Td data-label="Workflow">
          <WorkflowLink run={run} />
        </Table.Td>
      )}
      <Table.Td data-label="Started by">
        <UserName id={run.createdBy} />
      </Table.Td>
      <Table.Td data-label="Started">
        <RelativeTime value={run.createdAt} />
      </Table.Td>
      <Table.Td data-label="Duration">
        <Duration start={run.createdAt} end={run.completedAt} />
      </Table.Td>
      <Table.Td data-label="Entity">
        <RunEntityLink entity={run.entity} />
      </Table.Td>
    </ShortcutRow>
  );
}

/** The run's workflow by the title it ran under: its page, or "(deleted)" once it is gone. */
function WorkflowLink({ run }: { run: WorkflowRunSummary }) {
  const deleted = useWorkflowDeleted(run.workflowIdentifier);
  return (
    <WorkflowName
      identifier={run.workflowIdentifier}
      name={run.title ?? run.workflowIdentifier}
      deleted={deleted}
    />
  );
}
