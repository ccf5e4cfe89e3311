import { Loader, Group, Text } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { NodeRunSummary, WorkflowRunSummary } from '../../../../contract/workflows';
import { ErrorState } from '../../../components/ErrorState';
import {
  JsonInspector,
  ShallowInspector,
  type FullRequest,
  type JsonInspectorProps,
} from '../../../components/json-inspector';
import {
  nodeRunOutputQueryOptions,
  nodeRunShallowOutputQueryOptions,
  runOutputsQueryOptions,
} from '../api';

type InspectorProps = Omit<JsonInspectorProps, 'value'>;

/**
 * From this stored size (PostgreSQL's, compressed) an output opens a level at a time: a 10 MB
 * output (~1.6 MB stored) took 0.4–1.6 s to show its root whole (the server turning it into
 * text, gzip, transfer, a JSON.parse blocking the page), its shallow read ~70–110 ms.
 */
const SHALLOW_FROM_STORED_BYTES = 256 * 1024;

/**
 * A node run's output, fetched when the Output tab shows it (runs are polled without it): its
 * root's shallow read first; a small output is then fetched whole, a large one shown a level at
 * a time until a person asks for what needs all of it (search, Raw, Expand all).
 */
export function NodeRunOutputInspector({
  nodeRun,
  ...props
}: { nodeRun: Pick<NodeRunSummary, 'identifier' | 'status' | 'updatedAt'> } & InspectorProps) {
  const queryClient = useQueryClient();
  const shallow = useQuery({
    ...nodeRunShallowOutputQueryOptions(nodeRun),
    placeholderData: keepPreviousData,
  });
  // A search in the URL needs the whole output from the start.
  const [full, setFull] = useState<FullRequest | null>(() =>
    props.search ? { search: props.search } : null,
  );
  const [typed, setTyped] = useState(false);
  // Stable while the node run's output is the same, so the page re-rendering (polls, the
  // search in the URL) does not render every row of the shallow inspector again.
  const { identifier, status, updatedAt } = nodeRun;
  const load = useCallback(
    (pointer: string, offset: number) =>
      queryClient.fetchQuery(
        nodeRunShallowOutputQueryOptions({ identifier, status, updatedAt }, pointer, offset),
      ),
    [queryClient, identifier, status, updatedAt],
  );
  const loadFull = useCallback(
    () => queryClient.fetchQuery(nodeRunOutputQueryOptions({ identifier, status, updatedAt })),
    [queryClient, identifier, status, updatedAt],
  );
  const large = (shallow.data?.storedBytes ?? 0) >= SHALLOW_FROM_STORED_BYTES;
  const wantWhole = shallow.data !== undefined && (!large || full !== null);
  const output = useQuery({
    ...nodeRunOutputQueryOptions(nodeRun),
    placeholderData: keepPreviousData,
    enabled: wantWhole,
  });
  if (shallow.data && large && output.data === undefined && !output.error) {
    return (
      <ShallowInspector
        root={shallow.data}
        load={load}
        loadFull={loadFull}
        onNeedFull={(request) => {
          if (request.search !== undefined) {
            props.onSearchChange?.(request.search);
            setTyped(true);
          }
          setFull((prev) => ({ ...prev, ...request }));
        }}
        loadingFull={full !== null}
        rootPath={props.rootPath}
        search={props.search ?? full?.search ?? ''}
        {...(props.label === undefined ? {} : { label: props.label })}
        {...(props.height === undefined ? {} : { height: props.height })}
      />
    );
  }
  if (shallow.error && !wantWhole) {
    return <ErrorState error={shallow.error} onRetry={() => void shallow.refetch()} />;
  }
  return (
    <Loaded
      query={output}
      props={{
        ...props,
        ...(full?.search !== undefined && props.search === undefined
          ? { search: full.search }
          : {}),
        initialRaw: Boolean(full?.raw),
        initialExpandAll: Boolean(full?.expandAll),
        initialFocusSearch: typed,
      }}
    />
  );
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
