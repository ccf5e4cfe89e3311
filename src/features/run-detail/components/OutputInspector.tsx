import { Loader, Group, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { NodeRunSummary, WorkflowRunSummary } from '../../../../contract/workflows';
import { ErrorState } from '../../../components/ErrorState';
import { JsonInspector, type JsonInspectorProps } from '../../../components/json-inspector';
import { nodeRunOutputQueryOptions, runOutputsQueryOptions } from '../api';

type InspectorProps = Omit<JsonInspectorProps, 'value'>;

/** A node run's output, fetched when the Output tab shows it (runs are polled without it). */
export function NodeRunOutputInspector({
  nodeRun,
  ...props
}: { nodeRun: Pick<NodeRunSummary, 'identifier' | 'status' | 'updatedAt'> } & InspectorProps) {
  const output = useQuery({
    ...nodeRunOutputQueryOptions(nodeRun),
    placeholderData: keepPreviousData,
  });
  return <Loaded query={output} props={props} />;
}

/** The run's `variables.outputs`, fetched the same way. */
export function RunOutputsInspector({
  run,
  ...props
}: { run: Pick<WorkflowRunSummary, 'identifier' | 'status' | 'updatedAt'> } & InspectorProps) {
  const outputs = useQuery({ ...runOutputsQueryOptions(run), placeholderData: keepPreviousData });
  return <Loaded query={outputs} props={props} />;
}

function Loaded({
  query,
  props,
}: {
  query: { data: unknown; error: unknown; refetch: () => unknown };
  props: InspectorProps;
}) {
  if (query.data !== undefined) return <JsonInspector value={query.data} {...props} />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <Group gap="xs" h={40}>
      <Loader size="xs" />
      <Text size="sm" c="dimmed">
        Loading…
      </Text>
    </Group>
  );
}
