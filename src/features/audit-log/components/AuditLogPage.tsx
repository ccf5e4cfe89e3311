import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { Fragment, useState, type ReactNode } from 'react';
import type { AuditLogEntry } from '../../../../contract/entities';
import { AuditDiff } from '../../../components/AuditDiff';
import { EmptyState } from '../../../components/EmptyState';
import { PagedList } from '../../../components/ListPaging';
import { ListTable } from '../../../components/ListTable';
import { RelativeTime } from '../../../components/RelativeTime';
import { RunName, type GoneRun } from '../../../components/RunName';
import { useActionTitle } from '../../../components/pickers/ActionPicker';
import { StatusBadge } from '../../../components/StatusBadge';
import { UserName } from '../../../components/UserName';
import { WorkflowName } from '../../../components/WorkflowName';
import { runPageOf } from '../../../lib/run-id';
import { anyFilterSet } from '../../../lib/search-params';
import { useNewestFirstList } from '../../../lib/use-newest-first-list';
import { auditLogList } from '../api';
import {
  RESOURCE_LABELS,
  auditSubject,
  newEntriesSince,
  tiedRun,
  type AuditWorkflow,
} from '../model';
import type { AuditLogFilters as Filters } from '../search';
import { AuditLogFilters } from './AuditLogFilters';

interface Props {
  filters: Filters;
  onFiltersChange: (patch: Partial<Filters>) => void;
}

/**
 * Port's Audit log page: who did what to which run, entity, person or credential, newest first
 * (members see what the endpoint lets them: entries of runs and entities they may view). Its
 * Runs tab is the action runs list.
 */
export function AuditLogPage({ filters, onFiltersChange }: Props) {
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            Audit log
          </Title>
          <Text c="dimmed" size="sm">
            Every change to runs, entities, people and credentials, and every sign-in, newest first.
          </Text>
        </div>
        <Button variant="default" renderRoot={(props) => <Link to="/actions/runs" {...props} />}>
          Action runs (Runs tab)
        </Button>
      </Group>
      <AuditLogFilters filters={filters} onChange={onFiltersChange} />
      <AuditLogList filters={filters} />
    </Stack>
  );
}

function AuditLogList({ filters }: { filters: Filters }) {
  const { query, rows, banner } = useNewestFirstList({
    ...auditLogList(filters),
    newSince: newEntriesSince,
    noun: 'event',
  });
  const filtered = anyFilterSet(filters);
  return (
    <PagedList query={query} loadingLabel="Loading the audit log" banner={banner}>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'No entries match these filters' : 'No entries yet'}>
          {filtered
            ? 'Change or clear the filters to see more entries.'
            : 'Entries appear here as soon as someone starts a run, changes an entity or signs in.'}
        </EmptyState>
      ) : (
        <AuditTable entries={rows} />
      )}
    </PagedList>
  );
}

function AuditTable({ entries }: { entries: AuditLogEntry[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <ListTable minWidth={960} aria-label="Audit log" verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>By</Table.Th>
          <Table.Th>Action</Table.Th>
          <Table.Th>Resource</Table.Th>
          <Table.Th>Subject</Table.Th>
          <Table.Th>Origin</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Changes</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((entry) => (
          <AuditRow
            key={entry.identifier}
            entry={entry}
            open={open.has(entry.identifier)}
            onToggle={() => toggle(entry.identifier)}
          />
        ))}
      </Table.Tbody>
    </ListTable>
  );
}

function AuditRow({
  entry,
  open,
  onToggle,
}: {
  entry: AuditLogEntry;
  open: boolean;
  onToggle: () => void;
}) {
  const diffId = `diff-${entry.identifier}`;
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td data-label="When">
          <RelativeTime value={entry.trigger.at} />
        </Table.Td>
        <Table.Td data-label="By">
          <UserName id={entry.trigger.by.userId} />
        </Table.Td>
        <Table.Td data-label="Action">
          <Text size="sm">{entry.action}</Text>
        </Table.Td>
        <Table.Td data-label="Resource">
          <Text size="sm">{RESOURCE_LABELS[entry.resourceType]}</Text>
        </Table.Td>
        <Table.Td data-label="Subject" data-wide>
          <Subject entry={entry} />
        </Table.Td>
        <Table.Td data-label="Origin">
          <Text size="sm">{entry.trigger.origin}</Text>
        </Table.Td>
        <Table.Td data-label="Status">
          <StatusBadge state={entry.status === 'SUCCESS' ? 'success' : 'failed'} />
        </Table.Td>
        <Table.Td data-label="Changes">
          <Button
            variant="default"
            size="compact-sm"
            aria-expanded={open}
            aria-controls={open ? diffId : undefined}
            onClick={onToggle}
          >
            {open ? 'Hide' : 'Show'}
          </Button>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={diffId}>
          <Table.Td colSpan={8} data-wide>
            <AuditDiff diff={entry.diff} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

/** "<name> · run <id>": a run's subject beside the name of what it ran. */
function NamedRun({ name, run }: { name: ReactNode; run: ReactNode }) {
  return (
    <Group gap={4} wrap="wrap">
      {name}
      <Text size="sm" c="dimmed">
        · run
      </Text>
      {run}
    </Group>
  );
}

/** An action's title, linked to the runs of that action (`inherit`: the surrounding text's size). */
function ActionLink({ action, inherit }: { action: string; inherit?: boolean }) {
  const title = useActionTitle(action);
  return (
    <Anchor
      {...(inherit ? { inherit: true } : { size: 'sm' })}
      renderRoot={(props) => <Link to="/actions/runs" search={{ action }} {...props} />}
    >
      {title}
    </Anchor>
  );
}

/**
 * An action run: its action's title to the runs of that action, its id to the run's page (once
 * the run is gone, its id as plain text saying so).
 */
function ActionRunSubject({
  runId,
  action,
  gone,
}: {
  runId: string;
  action: string | null;
  gone: GoneRun | null;
}) {
  const run = <RunName to="/actions/runs/$runId" runId={runId} gone={gone} />;
  return action ? <NamedRun name={<ActionLink action={action} />} run={run} /> : run;
}

/** A workflow's recorded name: a link to its page, or plain text with "(deleted)" once gone. */
function WorkflowLink({ workflow, inherit }: { workflow: AuditWorkflow; inherit?: boolean }) {
  return (
    <WorkflowName
      identifier={workflow.identifier}
      name={workflow.name}
      deleted={workflow.deleted}
      inherit={inherit}
    />
  );
}

/**
 * A workflow run: its workflow's recorded name to the workflow's page (while there is one), its
 * id to the run's (a deleted workflow's runs are kept; a run retention removed is named, unlinked).
 */
function WorkflowRunSubject({
  runId,
  workflow,
  gone,
}: {
  runId: string;
  workflow: AuditWorkflow | null;
  gone: GoneRun | null;
}) {
  const run = <RunName to="/runs/$runId" runId={runId} gone={gone} />;
  return workflow ? <NamedRun name={<WorkflowLink workflow={workflow} />} run={run} /> : run;
}

/** The entry's run, entity or person, linked to its page when there is one. */
function Subject({ entry }: { entry: AuditLogEntry }) {
  const subject = auditSubject(entry);
  switch (subject.kind) {
    case 'workflow-run':
      return (
        <WorkflowRunSubject runId={subject.runId} workflow={subject.workflow} gone={subject.gone} />
      );
    case 'action-run':
      return <ActionRunSubject runId={subject.runId} action={subject.action} gone={subject.gone} />;
    case 'entity': {
      const run = tiedRun(entry);
      const runPage = run ? runPageOf(run.runId) : null;
      // What the run ran, as the entry recorded it: its workflow or its action.
      const ranWhat = run?.workflow ? (
        <WorkflowLink workflow={run.workflow} inherit />
      ) : run?.action ? (
        <ActionLink action={run.action} inherit />
      ) : null;
      return (
        <Stack gap={0}>
          <Anchor
            size="sm"
            ff="monospace"
            renderRoot={(props) => (
              <Link
                to="/entities/$blueprint/$entityId"
                params={{ blueprint: subject.blueprint, entityId: subject.entity }}
                {...props}
              />
            )}
          >
            {subject.blueprint}/{subject.entity}
          </Anchor>
          {run && runPage && (
            <Text size="xs" c="dimmed">
              by {ranWhat && <>{ranWhat} · </>}
              run <RunName to={runPage} runId={run.runId} gone={run.gone} inherit />
            </Text>
          )}
        </Stack>
      );
    }
    case 'person':
      return <UserName id={subject.userId} />;
    case 'none':
      return (
        <Text size="sm" c="dimmed">
          –
        </Text>
      );
  }
}
