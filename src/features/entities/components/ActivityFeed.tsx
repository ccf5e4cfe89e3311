import {
  Anchor,
  Badge,
  Group,
  Select,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo, useState, type ReactNode } from 'react';
import { ListTable } from '../../../components/ListTable';
import { clearButtonFor } from '../../../components/pickers/clear-button';
import { AuditDiff } from '../../../components/AuditDiff';
import { Duration } from '../../../components/Duration';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { BoltIcon, FlowIcon, PencilIcon } from '../../../components/icons';
import { PagingFooter, RowsSkeleton } from '../../../components/ListPaging';
import { RelativeTime } from '../../../components/RelativeTime';
import { ShortcutRow } from '../../../components/ShortcutRow';
import { StatusBadge } from '../../../components/StatusBadge';
import { entityActivityQueryOptions } from '../api';
import { activityRow, type ActivityRow, type ActivityTarget } from '../model';
import type { ActivityKind, ActivityStatus, EntitySearch } from '../search';
import { RunName } from '../../../components/RunName';
import { UserName } from '../../../components/UserName';

const KIND_OPTIONS: { value: ActivityKind; label: string }[] = [
  { value: 'workflowRun', label: 'Workflow runs' },
  { value: 'actionRun', label: 'Action runs' },
  { value: 'change', label: 'Entity changes' },
];
const STATUS_OPTIONS: { value: ActivityStatus; label: string }[] = [
  { value: 'in-progress', label: 'In progress' },
  { value: 'success', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
];
const KIND_LABEL: Record<ActivityKind, string> = {
  workflowRun: 'Workflow run',
  actionRun: 'Action run',
  change: 'Entity change',
};

interface Props {
  blueprint: string;
  entityId: string;
  filters: EntitySearch;
  onFiltersChange: (patch: Partial<EntitySearch>) => void;
}

/** Everything that concerned the entity, newest first: workflow runs, action runs, changes. */
export function ActivityFeed({ blueprint, entityId, filters, onFiltersChange }: Props) {
  const feed = useInfiniteQuery(entityActivityQueryOptions(blueprint, entityId, filters));
  const rows = useMemo(
    () => feed.data?.pages.flatMap((p) => p.activity.map(activityRow)) ?? [],
    [feed.data],
  );
  const filtered = filters.kind !== undefined || filters.status !== undefined;
  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end">
        <Select
          label="Kind"
          placeholder="Any kind"
          data={KIND_OPTIONS}
          value={filters.kind ?? null}
          onChange={(v) => onFiltersChange({ kind: (v as ActivityKind | null) ?? undefined })}
          clearable
          clearButtonProps={clearButtonFor('Kind')}
          w={190}
        />
        <Select
          label="Status"
          placeholder="Any status"
          data={STATUS_OPTIONS}
          value={filters.status ?? null}
          onChange={(v) => onFiltersChange({ status: (v as ActivityStatus | null) ?? undefined })}
          clearable
          clearButtonProps={clearButtonFor('Status')}
          w={170}
        />
      </Group>
      {feed.isPending ? (
        <RowsSkeleton label="Loading activity" rows={5} />
      ) : feed.isError && !feed.data ? (
        <ErrorState error={feed.error} onRetry={() => void feed.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          order={3}
          title={filtered ? 'No activity matches these filters' : 'No activity yet'}
        >
          {filtered
            ? 'Change or clear the filters.'
            : 'Runs and changes concerning this entity will appear here.'}
        </EmptyState>
      ) : (
        <ActivityTable rows={rows} />
      )}
      <PagingFooter query={feed} />
    </Stack>
  );
}

function ActivityTable({ rows }: { rows: ActivityRow[] }) {
  return (
    <ListTable minWidth={860} aria-label="Activity" highlightOnHover verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={56}>Kind</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Title</Table.Th>
          <Table.Th>By</Table.Th>
          <Table.Th>When</Table.Th>
          <Table.Th>Duration</Table.Th>
          <Table.Th>Problems</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <ActivityTableRow key={row.key} row={row} />
        ))}
      </Table.Tbody>
    </ListTable>
  );
}

function KindIcon({ kind }: { kind: ActivityKind }) {
  const icon =
    kind === 'workflowRun' ? (
      <FlowIcon size={16} />
    ) : kind === 'actionRun' ? (
      <BoltIcon size={16} />
    ) : (
      <PencilIcon size={16} />
    );
  return (
    <Tooltip label={KIND_LABEL[kind]} withArrow>
      <ThemeIcon
        variant="light"
        color={kind === 'change' ? 'gray' : 'indigo'}
        size="md"
        role="img"
        aria-label={KIND_LABEL[kind]}
      >
        {icon}
      </ThemeIcon>
    </Tooltip>
  );
}

function ActivityTableRow({ row }: { row: ActivityRow }) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const target = row.target;
  return (
    <>
      <ShortcutRow
        onOpen={
          row.kind === 'change'
            ? () => setOpen((o) => !o)
            : target
              ? () => void navigate({ to: target.to, params: { runId: target.runId } })
              : undefined
        }
      >
        <Table.Td data-label="Kind">
          <KindIcon kind={row.kind} />
        </Table.Td>
        <Table.Td data-label="Status">
          {row.state ? (
            <StatusBadge state={row.state} />
          ) : (
            <Badge variant="default" size="sm" styles={{ root: { textTransform: 'none' } }}>
              {row.verb}
            </Badge>
          )}
        </Table.Td>
        <Table.Td data-label="Title" data-wide>
          {target && row.kind !== 'change' ? (
            <TargetLink target={target} size="sm">
              {row.title}
            </TargetLink>
          ) : (
            // A gone run's "run <id> (deleted)" goes below the title when the cell is narrow.
            <Group gap={6} wrap={row.goneRun ? 'wrap' : 'nowrap'}>
              <UnstyledButton
                onClick={() => setOpen((o) => !o)}
                aria-expanded={open}
                fz="sm"
                title="Show the change"
              >
                {row.title}
              </UnstyledButton>
              {target && (
                <TargetLink target={target} size="xs">
                  Open run
                </TargetLink>
              )}
              {row.goneRun && (
                <Text size="xs" c="dimmed" component="span" style={{ whiteSpace: 'nowrap' }}>
                  run{' '}
                  <RunName
                    to={row.goneRun.to}
                    runId={row.goneRun.runId}
                    gone={row.goneRun.gone}
                    inherit
                  />
                </Text>
              )}
            </Group>
          )}
        </Table.Td>
        <Table.Td data-label="By">
          <UserName id={row.who} />
        </Table.Td>
        <Table.Td data-label="When">
          <RelativeTime value={row.at} />
        </Table.Td>
        <Table.Td data-label="Duration">
          {row.span ? (
            <Duration start={row.span.start} end={row.span.end} />
          ) : (
            <Text size="sm" c="dimmed">
              –
            </Text>
          )}
        </Table.Td>
        <Table.Td data-label="Problems">
          {row.problems ? <Problems counts={row.problems} /> : null}
        </Table.Td>
      </ShortcutRow>
      {open && row.diff && (
        <Table.Tr>
          <Table.Td colSpan={7} data-wide>
            <AuditDiff diff={row.diff} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

function TargetLink({
  target,
  size,
  children,
}: {
  target: ActivityTarget;
  size: 'xs' | 'sm';
  children: ReactNode;
}) {
  return (
    <Anchor
      size={size}
      renderRoot={(props) => <Link to={target.to} params={{ runId: target.runId }} {...props} />}
    >
      {children}
    </Anchor>
  );
}

function Problems({ counts }: { counts: { WARN: number; ERROR: number } }) {
  if (counts.WARN === 0 && counts.ERROR === 0) {
    return (
      <Text size="sm" c="dimmed">
        –
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="nowrap">
      {counts.ERROR > 0 && (
        <Badge color="red" variant="light" size="sm">
          {counts.ERROR} ERROR
        </Badge>
      )}
      {counts.WARN > 0 && (
        <Badge color="yellow" variant="light" size="sm">
          {counts.WARN} WARN
        </Badge>
      )}
    </Group>
  );
}
