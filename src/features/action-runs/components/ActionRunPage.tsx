import {
  Anchor,
  Badge,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
  useMatches,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { ActionRunV2 } from '../../../../contract/actions';
import type { AuditEntry } from '../../../../contract/entities';
import { AuditDiff } from '../../../components/AuditDiff';
import { CopyButton } from '../../../components/CopyButton';
import { AgentLine, DeliveryLine } from '../../../components/delivery';
import { Duration } from '../../../components/Duration';
import { ErrorState } from '../../../components/ErrorState';
import { JsonInspector } from '../../../components/json-inspector';
import { LogViewer } from '../../../components/log-viewer';
import { RelativeTime } from '../../../components/RelativeTime';
import { RefusalAlert, useRefusal } from '../../../components/run-controls';
import { Fact } from '../../../components/Fact';
import { logSearchPatch, logStateFromSearch } from '../../../lib/log-search';
import { actionRunChangesQueryOptions } from '../api';
import { useRetryActionRunDelivery } from '../controls-api';
import { isActionRunFinished } from '../model';
import type { ActionRunSearch } from '../search';
import { ActionRunStatus } from './ActionRunStatus';
import { EntityLink } from './EntityLink';
import { ExternalLinks } from './ExternalLinks';
import { MarkActionRunComplete } from './MarkActionRunCompleteDialog';
import { ApprovalPanel } from './ApprovalPanel';
import { RerunActionButton } from '../../../components/start-run/RerunActionRun';
import { UserName } from '../../../components/UserName';

interface Props {
  run: ActionRunV2;
  search: ActionRunSearch;
  onSearchChange: (patch: Partial<ActionRunSearch>, options?: { replace?: boolean }) => void;
}

export function ActionRunPage({ run, search, onSearchChange }: Props) {
  const live = !isActionRunFinished(run);
  return (
    <Stack gap="lg">
      <RunHeader run={run} />
      {run.requiredApproval !== false && (
        <Section title="Approval">
          <ApprovalPanel run={run} />
        </Section>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Section title="Summary">
          {run.summary ? (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {run.summary}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              {live ? 'The backend has not reported a summary yet.' : 'No summary.'}
            </Text>
          )}
        </Section>
        <Section title="External logs">
          <ExternalLinks link={run.link} />
        </Section>
      </SimpleGrid>
      <Section title="Inputs">
        {Object.keys(run.properties).length === 0 ? (
          <Text size="sm" c="dimmed">
            No inputs.
          </Text>
        ) : (
          <JsonInspector
            value={run.properties}
            rootPath=".inputs"
            label="Inputs"
            search={search.iq ?? ''}
            onSearchChange={(iq) => onSearchChange({ iq: iq || undefined }, { replace: true })}
            height={240}
          />
        )}
      </Section>
      <Section title="Logs">
        <LogViewer
          key={run.id}
          source={{ actionRunId: run.id }}
          live={live}
          state={logStateFromSearch(search, live)}
          onStateChange={(patch) => onSearchChange(logSearchPatch(patch), { replace: true })}
          height={420}
        />
      </Section>
      <Section title="Entity changes">
        <EntityChanges runId={run.id} finished={!live} />
      </Section>
    </Stack>
  );
}

function RunHeader({ run }: { run: ActionRunV2 }) {
  // Beside the id the status and acts align right; wrapped under it on a phone, left.
  const actsAlign = useMatches({ base: 'flex-start', sm: 'flex-end' });
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={4}>
            <Text size="sm" c="dimmed">
              Action run · {run.action.title ?? run.action.identifier}
            </Text>
            <Group gap={6} wrap="nowrap">
              <Title order={1} ff="monospace" fz={26} style={{ wordBreak: 'break-all' }}>
                {run.id}
              </Title>
              <CopyButton value={run.id} label="Copy run id" />
            </Group>
          </Stack>
          <Stack gap="xs" align={actsAlign}>
            <ActionRunStatus run={run} size="md" />
            <Group gap="xs" align="flex-start">
              <RerunActionButton run={run} />
              <MarkActionRunComplete run={run} />
            </Group>
          </Stack>
        </Group>
        {run.status === 'IN_PROGRESS' && <ActionRunDelivery run={run} />}
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md" verticalSpacing="xs">
          <Fact label="Entity">
            <EntityLink run={run} />
          </Fact>
          <Fact label="Blueprint">
            {run.blueprint ? (
              <Text size="sm">{run.blueprint.title ?? run.blueprint.identifier}</Text>
            ) : (
              <Text size="sm" c="dimmed">
                –
              </Text>
            )}
          </Fact>
          <Fact label="Started by">
            <UserName id={run.createdBy} />
          </Fact>
          <Fact label="Started">
            <RelativeTime value={run.createdAt} />
          </Fact>
          <Fact
            label={
              run.endedAt
                ? 'Ended'
                : run.status === 'WAITING_FOR_APPROVAL'
                  ? 'Waiting for'
                  : 'Running for'
            }
          >
            {run.endedAt ? (
              <Group gap={6}>
                <RelativeTime value={run.endedAt} />
                <Text size="sm" c="dimmed">
                  after <Duration start={run.createdAt} end={run.endedAt} />
                </Text>
              </Group>
            ) : (
              <Duration start={run.createdAt} end={null} />
            )}
          </Fact>
          <Fact label="Source">
            <Badge variant="default" size="sm">
              {run.source}
            </Badge>
          </Fact>
          {run.externalRunId && (
            <Fact label="External run id">
              <Text size="sm" ff="monospace">
                {run.externalRunId}
              </Text>
            </Fact>
          )}
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}

/**
 * What the run waits on: an execution agent to claim it, or its webhook's delivery (with "Retry
 * now" for admins and the server's refusal).
 */
function ActionRunDelivery({ run }: { run: ActionRunV2 }) {
  const retry = useRetryActionRunDelivery(run.id);
  const { refusal, clear, refuse } = useRefusal();
  return (
    <>
      <AgentLine run={run} />
      <DeliveryLine
        delivery={run.delivery}
        retrying={retry.isPending}
        onRetry={() => {
          clear();
          retry.mutate(undefined, { onError: refuse });
        }}
      />
      {refusal && <RefusalAlert message={refusal} onClose={clear} />}
    </>
  );
}

function EntityChanges({ runId, finished }: { runId: string; finished: boolean }) {
  const changes = useQuery(actionRunChangesQueryOptions(runId, finished));
  if (changes.isPending) return <Skeleton h={80} />;
  if (changes.isError) {
    return <ErrorState error={changes.error} onRetry={() => void changes.refetch()} />;
  }
  if (changes.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {finished ? 'This run changed no entity.' : 'No entity changed by this run yet.'}
      </Text>
    );
  }
  return (
    <Stack gap="md" aria-label="Entity changes">
      {changes.data.map((entry) => (
        <ChangeItem key={entry.identifier} entry={entry} />
      ))}
    </Stack>
  );
}

const VERB: Record<AuditEntry['action'], string> = {
  CREATE: 'Created',
  UPDATE: 'Updated',
  DELETE: 'Deleted',
};

function ChangeItem({ entry }: { entry: AuditEntry }) {
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Badge variant="light" color={entry.action === 'DELETE' ? 'red' : 'indigo'} size="sm">
          {VERB[entry.action]}
        </Badge>
        <ChangedEntity entry={entry} />
        <Text size="sm" c="dimmed">
          by <UserName id={entry.trigger.by.userId} />
        </Text>
        <RelativeTime value={entry.trigger.at} c="dimmed" />
      </Group>
      <AuditDiff diff={entry.diff} />
    </Stack>
  );
}

/** The changed entity, linked to its page unless the change deleted it. */
function ChangedEntity({ entry }: { entry: AuditEntry }) {
  const { blueprintIdentifier: blueprint, entityIdentifier: entityId } = entry.context;
  const label = `${blueprint ?? ''}/${entityId ?? ''}`;
  if (!blueprint || !entityId || entry.action === 'DELETE') {
    return (
      <Text size="sm" ff="monospace">
        {label}
      </Text>
    );
  }
  return (
    <Anchor
      size="sm"
      ff="monospace"
      renderRoot={(props) => (
        <Link to="/entities/$blueprint/$entityId" params={{ blueprint, entityId }} {...props} />
      )}
    >
      {label}
    </Anchor>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={2} fz="md" lh="h3" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
