import {
  Alert,
  Anchor,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import type { NodeTrend, WorkflowTrends } from '../../../../contract/trends';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { formatDuration } from '../../../lib/dates';
import { trendsQueryOptions } from '../api';
import { DEFAULT_RANGE, bucketRows, percent, slowdown, sortNodes } from '../model';
import type { NodeSort, TrendRange, TrendsSearch } from '../search';

const TrendsCharts = lazy(() => import('./TrendsCharts'));

const RANGE_OPTIONS: { value: TrendRange; label: string }[] = [
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
];
const SORT_OPTIONS: { value: NodeSort; label: string }[] = [
  { value: 'slowest', label: 'Slowest' },
  { value: 'flakiest', label: 'Flakiest' },
  { value: 'slowing', label: 'Slowing down' },
];

interface Props {
  workflowId: string;
  search: TrendsSearch;
  onSearchChange: (patch: Partial<TrendsSearch>) => void;
  /** Opens the runs list filtered to runs in which the node failed. */
  onNodeFailures: (nodeIdentifier: string) => void;
}

const ms = (v: number | null) => (v === null ? '–' : formatDuration(v));

export function TrendsTab({ workflowId, search, onSearchChange, onNodeFailures }: Props) {
  const range = search.trendRange ?? DEFAULT_RANGE;
  // The previous range stays on screen while the next one loads.
  const query = useQuery({
    ...trendsQueryOptions(workflowId, range),
    placeholderData: keepPreviousData,
  });
  const view = search.trendView ?? 'charts';
  return (
    <Stack gap="md">
      <Group gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Time range"
          data={RANGE_OPTIONS}
          value={range}
          onChange={(v) => onSearchChange({ trendRange: v as TrendRange })}
        />
        <SegmentedControl
          aria-label="Show as"
          data={[
            { value: 'charts', label: 'Charts' },
            { value: 'table', label: 'Table' },
          ]}
          value={view}
          onChange={(v) => onSearchChange({ trendView: v === 'table' ? 'table' : undefined })}
        />
        {query.isFetching && <Loader size="xs" aria-label="Loading trends" />}
      </Group>
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : !query.data ? (
        <Skeleton h={320} />
      ) : query.data.summary.runs === 0 ? (
        <EmptyState title="No runs in this range">
          Choose a longer range, or start a run to see how this workflow behaves over time.
        </EmptyState>
      ) : (
        <>
          <Summary trends={query.data} />
          {view === 'charts' ? (
            <Suspense fallback={<Skeleton h={640} aria-label="Loading charts" />}>
              <TrendsCharts trends={query.data} />
            </Suspense>
          ) : (
            <BucketsTable trends={query.data} />
          )}
          <NodeTable
            nodes={query.data.nodes}
            sort={search.nodeSort ?? 'slowest'}
            onSort={(nodeSort) =>
              onSearchChange({ nodeSort: nodeSort === 'slowest' ? undefined : nodeSort })
            }
            onNodeFailures={onNodeFailures}
          />
        </>
      )}
    </Stack>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={600} ff="monospace">
        {value}
      </Text>
    </Paper>
  );
}

function Summary({ trends }: { trends: WorkflowTrends }) {
  const s = trends.summary;
  return (
    <Stack gap={4}>
      <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
        <Stat label="Runs" value={String(s.runs)} />
        <Stat label="Success rate" value={percent(s.successRate)} />
        <Stat label="Failed" value={String(s.failed)} />
        <Stat label="p50 duration" value={ms(s.p50Ms)} />
        <Stat label="p95 duration" value={ms(s.p95Ms)} />
      </SimpleGrid>
      {trends.pointsTruncated && (
        <Alert color="gray" variant="light" p="xs">
          The duration chart shows the newest {trends.points.length} runs; the figures count all{' '}
          {s.runs}.
        </Alert>
      )}
    </Stack>
  );
}

function BucketsTable({ trends }: { trends: WorkflowTrends }) {
  const label = (iso: string) =>
    trends.bucket === 'hour' ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10);
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={`Runs per ${trends.bucket}`} striped verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{trends.bucket === 'hour' ? 'Hour' : 'Day'} (UTC)</Table.Th>
              <Table.Th ta="right">Succeeded</Table.Th>
              <Table.Th ta="right">Failed</Table.Th>
              <Table.Th ta="right">Cancelled</Table.Th>
              <Table.Th ta="right">Success rate</Table.Th>
              <Table.Th ta="right">p50</Table.Th>
              <Table.Th ta="right">p95</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {bucketRows(trends).map((r) => (
              <Table.Tr key={r.start}>
                <Table.Td ff="monospace">{label(r.start)}</Table.Td>
                <Table.Td ta="right">{r.Succeeded}</Table.Td>
                <Table.Td ta="right">{r.Failed}</Table.Td>
                <Table.Td ta="right">{r.Cancelled}</Table.Td>
                <Table.Td ta="right">
                  {r.successRate === null ? '–' : `${r.successRate} %`}
                </Table.Td>
                <Table.Td ta="right">{ms(r.p50Ms)}</Table.Td>
                <Table.Td ta="right">{ms(r.p95Ms)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function SlowdownCell({ node }: { node: NodeTrend }) {
  const change = slowdown(node);
  if (change === null) return <Text size="sm">–</Text>;
  const pct = Math.round(change * 100);
  return (
    <Text size="sm" ff="monospace" c={pct >= 25 ? 'red' : pct <= -25 ? 'teal' : undefined}>
      {ms(node.firstHalfP50Ms)} → {ms(node.secondHalfP50Ms)} ({pct > 0 ? '+' : ''}
      {pct} %)
    </Text>
  );
}

function NodeTable({
  nodes,
  sort,
  onSort,
  onNodeFailures,
}: {
  nodes: NodeTrend[];
  sort: NodeSort;
  onSort: (sort: NodeSort) => void;
  onNodeFailures: (nodeIdentifier: string) => void;
}) {
  const sorted = sortNodes(nodes, sort);
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4">
          Nodes
        </Title>
        <SegmentedControl
          aria-label="Sort nodes"
          size="xs"
          data={SORT_OPTIONS}
          value={sort}
          onChange={(v) => onSort(v as NodeSort)}
        />
      </Group>
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Nodes by duration and failures" highlightOnHover verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Node</Table.Th>
              <Table.Th ta="right">Runs</Table.Th>
              <Table.Th ta="right">Failures</Table.Th>
              <Table.Th ta="right">p50</Table.Th>
              <Table.Th ta="right">p95</Table.Th>
              <Table.Th>Median, first half → second half</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((n) => (
              <Table.Tr key={n.nodeIdentifier}>
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => onNodeFailures(n.nodeIdentifier)}
                    title={`Show the runs in which ${n.title ?? n.nodeIdentifier} failed`}
                  >
                    {n.title ?? n.nodeIdentifier}
                  </Anchor>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {n.nodeIdentifier}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{n.runs}</Table.Td>
                <Table.Td ta="right">
                  <Text
                    size="sm"
                    c={n.failures > 0 ? 'red' : undefined}
                    fw={n.failures ? 600 : 400}
                  >
                    {n.failures}
                    {n.runs > 0 && n.failures > 0 && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({percent(n.failures / n.runs)})
                      </Text>
                    )}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {ms(n.p50Ms)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {ms(n.p95Ms)}
                </Table.Td>
                <Table.Td>
                  <SlowdownCell node={n} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
