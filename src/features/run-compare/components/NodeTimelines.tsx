import { Badge, Box, Group, Table, Text, UnstyledButton } from '@mantine/core';
import type { WorkflowRun } from '../../../../contract/workflows';
import { StatusBadge, workflowRunState } from '../../../components/StatusBadge';
import { formatDuration } from '../../../lib/dates';
import type { NodePair, NodeSide } from '../model';
import classes from './Compare.module.css';

const isTrigger = (p: NodePair) => (p.left ?? p.right)!.nodeRun.nodeConfigType.endsWith('TRIGGER');

/** The node to open first: the first whose result changed, else the first much slower one. */
export function defaultNode(pairs: NodePair[]): string | undefined {
  return (
    pairs.find((p) => p.change === 'result') ??
    pairs.find((p) => p.change === 'slower') ??
    pairs.find((p) => p.left && p.right && !isTrigger(p))
  )?.nodeIdentifier;
}

const runSpan = (run: WorkflowRun) =>
  Date.parse(run.completedAt ?? new Date().toISOString()) - Date.parse(run.createdAt);

function ChangeBadge({ pair }: { pair: NodePair }) {
  switch (pair.change) {
    case 'result':
      return (
        <Text size="xs" fw={700} c="red">
          Result changed: {pair.left?.nodeRun.result ?? '–'} → {pair.right?.nodeRun.result ?? '–'}
        </Text>
      );
    case 'slower': {
      const ratio = pair.right!.durationMs! / Math.max(1, pair.left!.durationMs!);
      return (
        <Badge color="orange" variant="light">
          {ratio.toFixed(1)}× slower
        </Badge>
      );
    }
    case 'faster':
      return (
        <Badge color="teal" variant="light">
          faster
        </Badge>
      );
    case 'only-left':
      return (
        <Badge color="gray" variant="light">
          only in A
        </Badge>
      );
    case 'only-right':
      return (
        <Badge color="gray" variant="light">
          only in B
        </Badge>
      );
    case null:
      return null;
  }
}

function SideCell({ side, span }: { side: NodeSide | null; span: number }) {
  if (!side) {
    return (
      <Text size="sm" c="dimmed">
        did not run
      </Text>
    );
  }
  const n = side.nodeRun;
  const left = span > 0 ? (side.startOffsetMs / span) * 100 : 0;
  const width = span > 0 && side.durationMs !== null ? (side.durationMs / span) * 100 : 0;
  return (
    <Box>
      <Group gap={6} wrap="nowrap">
        <StatusBadge state={workflowRunState(n.status, n.result)} size="xs" />
        <Text size="xs" ff="monospace" c="dimmed" title="start offset from the run's start">
          +{formatDuration(side.startOffsetMs)}
        </Text>
        <Text size="xs" ff="monospace" fw={600}>
          {side.durationMs === null ? 'running' : formatDuration(side.durationMs)}
        </Text>
      </Group>
      <div className={classes.track} aria-hidden>
        <div
          className={classes.bar}
          data-result={n.result ?? 'RUNNING'}
          style={{ left: `${Math.min(100, left)}%`, width: `max(2px, ${Math.min(100, width)}%)` }}
        />
      </div>
    </Box>
  );
}

interface Props {
  pairs: NodePair[];
  left: WorkflowRun;
  right: WorkflowRun;
  selected: string | undefined;
  onSelect: (nodeIdentifier: string) => void;
}

/** Node by node: the two runs' timelines on one time scale, changed nodes marked. */
export function NodeTimelines({ pairs, left, right, selected, onSelect }: Props) {
  const span = Math.max(runSpan(left), runSpan(right));
  const changed = pairs.filter((p) => p.change && p.change !== 'faster').length;
  return (
    <>
      <Text size="sm" c="dimmed" mb="xs">
        {changed === 0
          ? 'Every node has the same result and about the same duration in both runs.'
          : `${changed} of ${pairs.length} nodes changed result or took much longer (at least 1.5× and 1 s more). Pick a node to compare its output and log.`}
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table aria-label="Nodes of both runs" verticalSpacing={6} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="24%">Node</Table.Th>
              <Table.Th w="30%">A</Table.Th>
              <Table.Th w="30%">B</Table.Th>
              <Table.Th>Change</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pairs.map((p) => (
              <Table.Tr
                key={p.nodeIdentifier}
                className={classes.nodeRow}
                data-changed={p.change ?? undefined}
                aria-selected={p.nodeIdentifier === selected}
              >
                <Table.Td>
                  <UnstyledButton
                    onClick={() => onSelect(p.nodeIdentifier)}
                    aria-label={`Compare node ${p.title}`}
                    aria-pressed={p.nodeIdentifier === selected}
                  >
                    <Text size="sm" fw={p.nodeIdentifier === selected ? 700 : 500}>
                      {p.title}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {p.nodeIdentifier}
                    </Text>
                  </UnstyledButton>
                </Table.Td>
                <Table.Td>
                  <SideCell side={p.left} span={span} />
                </Table.Td>
                <Table.Td>
                  <SideCell side={p.right} span={span} />
                </Table.Td>
                <Table.Td>
                  <ChangeBadge pair={p} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
