import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import type { WorkflowRun } from '../../../../contract/workflows';
import { Duration } from '../../../components/Duration';
import { ErrorState } from '../../../components/ErrorState';
import { RelativeTime } from '../../../components/RelativeTime';
import { UserName } from '../../../components/UserName';
import { StatusBadge, workflowRunState } from '../../../components/StatusBadge';
import { compareRunQueryOptions } from '../api';
import { alignNodes, diffJson } from '../model';
import type { CompareSearch } from '../search';
import { JsonDiffView } from './JsonDiffView';
import { LogCompare } from './LogCompare';
import { NodeTimelines, defaultNode } from './NodeTimelines';

interface Props {
  search: CompareSearch;
  onSearchChange: (patch: Partial<CompareSearch>) => void;
}

export function ComparePage({ search, onSearchChange }: Props) {
  if (!search.a || !search.b) return <PickRuns search={search} onSearchChange={onSearchChange} />;
  return <Comparison a={search.a} b={search.b} search={search} onSearchChange={onSearchChange} />;
}

function PickRuns({ search, onSearchChange }: Props) {
  const [a, setA] = useState(search.a ?? '');
  const [b, setB] = useState(search.b ?? '');
  return (
    <Stack gap="md" maw={640}>
      <Title order={1} size="h2">
        Compare two runs
      </Title>
      <Text size="sm" c="dimmed">
        Pick two rows in a workflow&apos;s runs list, use “Compare with the last successful run” on
        a failed run, or paste two run ids.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSearchChange({ a: a.trim() || undefined, b: b.trim() || undefined });
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Run A (baseline)"
            value={a}
            onChange={(e) => setA(e.currentTarget.value)}
          />
          <TextInput label="Run B" value={b} onChange={(e) => setB(e.currentTarget.value)} />
          <Button type="submit" disabled={!a.trim() || !b.trim()}>
            Compare
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

function Comparison({ a, b, search, onSearchChange }: Props & { a: string; b: string }) {
  const leftQuery = useQuery(compareRunQueryOptions(a));
  const rightQuery = useQuery(compareRunQueryOptions(b));
  if (leftQuery.isError || rightQuery.isError) {
    return (
      <ErrorState
        error={leftQuery.error ?? rightQuery.error}
        onRetry={() => {
          void leftQuery.refetch();
          void rightQuery.refetch();
        }}
      />
    );
  }
  if (!leftQuery.data || !rightQuery.data) return <Skeleton h={400} />;
  return (
    <Loaded
      left={leftQuery.data}
      right={rightQuery.data}
      search={search}
      onSearchChange={onSearchChange}
    />
  );
}

function Loaded({
  left,
  right,
  search,
  onSearchChange,
}: Props & { left: WorkflowRun; right: WorkflowRun }) {
  const pairs = useMemo(() => alignNodes(left, right), [left, right]);
  const node = search.node ?? defaultNode(pairs);
  const pair = pairs.find((p) => p.nodeIdentifier === node);
  const outputSide = search.output ?? 'run';
  const showSame = search.unchanged === '1';
  const outputDiff = useMemo(
    () =>
      outputSide === 'node'
        ? diffJson(pair?.left?.nodeRun.output, pair?.right?.nodeRun.output, showSame)
        : diffJson(left.variables.outputs, right.variables.outputs, showSame),
    [outputSide, pair, left, right, showSame],
  );
  const inputsDiff = useMemo(() => diffJson(left.inputs, right.inputs, true), [left, right]);
  const differentWorkflow = left.workflowIdentifier !== right.workflowIdentifier;
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          Compare runs
        </Title>
        <Button
          variant="default"
          size="xs"
          onClick={() => onSearchChange({ a: right.identifier, b: left.identifier })}
        >
          Swap A and B
        </Button>
      </Group>
      {differentWorkflow && (
        <Alert color="yellow" variant="light">
          These runs belong to different workflows ({left.workflowIdentifier} and{' '}
          {right.workflowIdentifier}); nodes are matched by identifier.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <RunCard label="A" run={left} />
        <RunCard label="B" run={right} />
      </SimpleGrid>

      <Paper withBorder p="md">
        <Title order={2} fz="h4" lh="h3" mb="sm">
          Inputs and entity
        </Title>
        <JsonDiffView
          diff={inputsDiff}
          label="Inputs"
          extraRows={[
            {
              path: 'entity',
              kind: left.entity === right.entity ? 'same' : 'changed',
              left: left.entity ?? '–',
              right: right.entity ?? '–',
            },
          ]}
          emptyText="Both runs have the same inputs."
        />
      </Paper>

      <Paper withBorder p="md">
        <Title order={2} fz="h4" lh="h3" mb="sm">
          Nodes
        </Title>
        <NodeTimelines
          pairs={pairs}
          left={left}
          right={right}
          selected={node}
          onSelect={(id) => onSearchChange({ node: id })}
        />
      </Paper>

      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm" wrap="wrap">
          <Title order={2} fz="h4" lh="h3">
            Outputs
          </Title>
          <Group gap="xs">
            <Button.Group>
              <Button
                size="xs"
                variant={outputSide === 'run' ? 'filled' : 'default'}
                onClick={() => onSearchChange({ output: undefined })}
              >
                variables.outputs
              </Button>
              <Button
                size="xs"
                variant={outputSide === 'node' ? 'filled' : 'default'}
                onClick={() => onSearchChange({ output: 'node' })}
                disabled={!pair}
              >
                Output of {pair?.title ?? 'a node'}
              </Button>
            </Button.Group>
            <Button
              size="xs"
              variant="subtle"
              onClick={() => onSearchChange({ unchanged: showSame ? undefined : '1' })}
            >
              {showSame ? 'Only differences' : 'Show unchanged too'}
            </Button>
          </Group>
        </Group>
        <JsonDiffView
          diff={outputDiff}
          label={outputSide === 'node' ? `Output of ${node ?? ''}` : 'variables.outputs'}
          emptyText="No differences."
          virtual
        />
      </Paper>

      <Paper withBorder p="md">
        <Title order={2} fz="h4" lh="h3" mb="sm">
          Log of {pair?.title ?? 'a node'}
        </Title>
        {pair?.left && pair.right ? (
          <LogCompare
            key={`${pair.left.nodeRun.identifier}:${pair.right.nodeRun.identifier}`}
            left={pair.left.nodeRun}
            right={pair.right.nodeRun}
          />
        ) : (
          <Text size="sm" c="dimmed">
            Pick a node that ran in both runs to compare its log.
          </Text>
        )}
      </Paper>
    </Stack>
  );
}

function RunCard({ label, run }: { label: string; run: WorkflowRun }) {
  return (
    <Paper withBorder p="sm">
      <Group gap="xs" wrap="wrap">
        <Text fw={700}>{label}</Text>
        <Anchor
          ff="monospace"
          size="sm"
          renderRoot={(props) => (
            <Link to="/runs/$runId" params={{ runId: run.identifier }} {...props} />
          )}
        >
          {run.identifier}
        </Anchor>
        <StatusBadge state={workflowRunState(run.status, run.result)} />
      </Group>
      <Group gap="md" mt={6} wrap="wrap">
        <Text size="sm" c="dimmed">
          {run.workflowIdentifier} v{run.workflow.version}
        </Text>
        <RelativeTime value={run.createdAt} />
        <Duration start={run.createdAt} end={run.completedAt} />
        <UserName id={run.createdBy} />
      </Group>
    </Paper>
  );
}
