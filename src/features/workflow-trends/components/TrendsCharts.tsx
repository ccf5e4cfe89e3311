import '@mantine/charts/styles.css';
import { BarChart, LineChart, ScatterChart } from '@mantine/charts';
import { Box, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { WorkflowTrends } from '../../../../contract/trends';
import { dayjs, formatDuration } from '../../../lib/dates';
import { RESULT_SERIES, bucketRows, durationSeries, durationUnit } from '../model';

/** The charts of the trends tab: loaded on demand (React.lazy), so recharts stays off other pages. */
export default function TrendsCharts({ trends }: { trends: WorkflowTrends }) {
  const bucketLabel = (iso: string) =>
    dayjs(iso).format(trends.bucket === 'hour' ? 'HH:mm' : 'MMM D');
  const rows = bucketRows(trends).map((r) => ({ ...r, label: bucketLabel(r.start) }));
  const longest = Math.max(0, ...trends.points.map((p) => p.durationMs ?? 0));
  const unit = durationUnit(longest);
  const inUnit = (ms: number | null) => (ms === null ? null : ms / unit.ms);
  const p50 = inUnit(trends.summary.p50Ms);
  const p95 = inUnit(trends.summary.p95Ms);
  const referenceLines = [
    ...(p50 === null
      ? []
      : [{ y: p50, label: `p50 ${formatDuration(trends.summary.p50Ms!)}`, color: 'blue.5' }]),
    ...(p95 === null
      ? []
      : [{ y: p95, label: `p95 ${formatDuration(trends.summary.p95Ms!)}`, color: 'orange.6' }]),
  ];
  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb={4}>
          Run duration
        </Title>
        <Text size="xs" c="dimmed" mb="xs">
          Each run a point, coloured by result; dashed lines are the p50 and p95 of the range.
        </Text>
        {/* The lines' labels sit here, outside the plot: inside it they covered the points. */}
        <Group gap="md" mb="sm">
          {referenceLines.map((l) => (
            <Group key={l.label} gap={6} wrap="nowrap">
              <Box
                w={20}
                aria-hidden
                style={{
                  borderTop: `2px dashed var(--mantine-color-${l.color.replace('.', '-')})`,
                }}
              />
              <Text size="xs">{l.label}</Text>
            </Group>
          ))}
        </Group>
        <ScatterChart
          h={260}
          data={durationSeries(trends.points, unit.ms)}
          dataKey={{ x: 't', y: 'd' }}
          referenceLines={referenceLines.map(({ y, color }) => ({
            y,
            color,
            strokeDasharray: '6 4',
          }))}
          xAxisProps={{
            type: 'number',
            scale: 'time',
            domain: [Date.parse(trends.from), Date.parse(trends.to)],
            tickFormatter: (t: number) => bucketLabel(new Date(t).toISOString()),
          }}
          valueFormatter={{
            x: (t) => dayjs(t).format('YYYY-MM-DD HH:mm'),
            y: (v) => formatDuration(v * unit.ms),
          }}
          labels={{ y: unit.label }}
          yAxisLabel={`Duration (${unit.label})`}
          yAxisProps={{ tickFormatter: (v: number) => String(Math.round(v * 10) / 10) }}
          withLegend
        />
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Runs per {trends.bucket} by result
        </Title>
        <BarChart
          h={220}
          data={rows}
          dataKey="label"
          type="stacked"
          yAxisLabel="Runs"
          series={RESULT_SERIES.map((s) => ({ name: s.label, color: s.color }))}
          withLegend
        />
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Success rate per {trends.bucket}
        </Title>
        <LineChart
          h={160}
          data={rows}
          dataKey="label"
          series={[{ name: 'successRate', label: 'Success rate', color: 'teal.6' }]}
          yAxisProps={{ domain: [0, 100] }}
          unit=" %"
          connectNulls
        />
      </Paper>
    </Stack>
  );
}
