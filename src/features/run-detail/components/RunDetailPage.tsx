import { Button, Group, Paper, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import type {
  NodeRunSummary,
  Workflow,
  WorkflowRunSummary,
  WorkflowVersion,
} from '../../../../contract/workflows';
import { EmptyState } from '../../../components/EmptyState';
import { formatPath } from '../../../components/json-inspector';
import { LogViewer, type LogViewerProps, type LogViewState } from '../../../components/log-viewer';
import { StatusBadge } from '../../../components/StatusBadge';
import { graphHeight, WorkflowGraph } from '../../../components/workflow-graph/WorkflowGraph';
import { formatDuration } from '../../../lib/dates';
import {
  logSearchOf,
  logSearchPatch,
  logStateFromSearch,
  type LogSearch,
} from '../../../lib/log-search';
import { useStagedMount } from '../../../lib/use-staged-mount';
import {
  ganttRowCount,
  latestNodeRunByNode,
  nodeRunState,
  nodeStates,
  shownNode,
  sumLogCounts,
  unrunState,
} from '../model';
import { selectionPatch, type RunSearch } from '../search';
import { NodeRunControls } from './NodeRunControls';
import { NodeRunLinks } from './NodeRunLinks';
import { NodeRunOutputInspector, RunOutputsInspector } from './OutputInspector';
import { RunGantt } from './RunGantt';
import { RunHeader } from './RunHeader';

/**
 * The selection panel takes the window's height under the header, whatever the tab: a person
 * scrolled to the logs reads 30+ lines at 900 px, and switching Logs/Output never shortens the
 * page (which would move the scroll position).
 */
const PANEL_HEIGHT = 'max(560px, calc(100dvh - 72px))';
/** The log viewer's share of the panel: all but its title row and the tab list. */
const LOG_VIEWER_HEIGHT = 'max(420px, calc(100dvh - 212px))';
/** The panel's content (title row, tabs and log viewer), kept while the panel mounts. */
const LOG_PANEL_HEIGHT = 'max(500px, calc(100dvh - 132px))';
/** A timeline row's height (RunGantt.module.css `.row`), for the space kept before it mounts. */
const GANTT_ROW = '1.625rem * var(--mantine-scale)';

/** The run page's search without the log viewer's state (RunLogViewer reads that). */
export type PageSearch = Omit<RunSearch, keyof LogSearch>;

interface Props {
  run: WorkflowRunSummary;
  /** The graph of the version the run ran on, drawn and used for the mark preview. */
  graph: WorkflowVersion | undefined;
  /** The workflow now, for the header (title, "ran version N (now vM)"); gone when deleted. */
  workflow: Workflow | undefined;
  /** The workflow has been deleted since the run (its page says not found): the header says so. */
  workflowDeleted?: boolean;
  /** The URL's search but the log viewer's fields, which the viewer reads itself. */
  search: PageSearch;
  onSearchChange: (patch: Partial<RunSearch>, options?: { replace?: boolean }) => void;
  /** The last refresh failed; polling goes on at the slow interval. */
  refreshFailed?: boolean;
}

export function RunDetailPage({
  run,
  graph: versionGraph,
  workflow,
  workflowDeleted = false,
  search,
  onSearchChange,
  refreshFailed,
}: Props) {
  const latest = useMemo(() => latestNodeRunByNode(run.nodeRuns), [run.nodeRuns]);
  // The server advances a run whose version's graph is gone by the current one; so is it drawn.
  const ranOn = versionGraph ?? workflow;
  const graph = useMemo(() => drawnGraph(run, ranOn), [run, ranOn]);
  const titles = useMemo(
    () => Object.fromEntries(graph.nodes.map((n) => [n.identifier, n.title ?? n.identifier])),
    [graph.nodes],
  );
  // Stable across a log view change (level, search, line: only the URL's log state moves), so
  // the memoized graph and timeline are not drawn again for it.
  const nodeOrder = useMemo(() => graph.nodes.map((n) => n.identifier), [graph.nodes]);
  const allNodes = search.scope === 'all';
  // Only a graph that is known tells that a name is no node: drawn from the node runs alone (the
  // graph still loading), a node that has not run yet is not in it.
  const selectedNode = allNodes
    ? null
    : shownNode(run.nodeRuns, search.node, ranOn ? nodeOrder : null);
  const selectedRun = selectedNode ? (latest.get(selectedNode) ?? null) : null;
  const durations = useMemo(() => {
    const d: Record<string, string> = {};
    for (const [node, nr] of latest)
      if (nr.reusedFrom) d[node] = 'reused';
      else if (nr.completedAt)
        d[node] = formatDuration(Date.parse(nr.completedAt) - Date.parse(nr.createdAt));
    return d;
  }, [latest]);

  const states = useMemo(() => nodeStates(run, nodeOrder), [run, nodeOrder]);
  const select = useCallback(
    (node: string) => onSearchChange(selectionPatch(node)),
    [onSearchChange],
  );
  const selectAll = () => onSearchChange(selectionPatch(null));
  // The header's facts in the router's update (React never time-slices it), then the log panel's
  // frame (title, node controls, tabs), its log viewer (what a person opens the page for; its
  // first lines were asked for by the route's loader) and then the graph, the timeline and the
  // run's controls, each in a transition of its own (the panel with its viewer was one commit
  // of ~19 ms of CPU on a cold load, the longest left).
  const stage = useStagedMount(3);

  return (
    <Stack gap="md">
      <RunHeader
        run={run}
        workflow={workflow}
        workflowDeleted={workflowDeleted}
        actions={stage >= 3}
      />
      {refreshFailed && (
        <Text size="sm" c="orange" role="status">
          Couldn’t refresh — retrying
        </Text>
      )}
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} fz="h4" lh="h3">
              Timeline
            </Title>
            <Button
              size="xs"
              variant={allNodes ? 'filled' : 'default'}
              aria-pressed={allNodes}
              onClick={selectAll}
            >
              All nodes
            </Button>
          </Group>
          {stage >= 3 ? (
            <>
              <WorkflowGraph
                nodes={graph.nodes}
                connections={graph.connections}
                states={states}
                details={durations}
                selected={selectedNode}
                onSelect={select}
              />
              <RunGantt
                run={run}
                nodeOrder={nodeOrder}
                titles={titles}
                selected={selectedNode}
                onSelect={select}
              />
            </>
          ) : (
            <Skeleton
              // The graph, the Stack's gap and the timeline's rows: the log panel below stays put
              // when they mount.
              height={`calc(${graphHeight(graph)}px + ${ganttRowCount(run, nodeOrder)} * ${GANTT_ROW} + var(--mantine-spacing-sm))`}
              radius="md"
              aria-label="Loading the graph"
            />
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md" mih={PANEL_HEIGHT} component="section" aria-label="Logs and output">
        {stage < 1 ? (
          <Skeleton height={LOG_PANEL_HEIGHT} radius="md" aria-label="Loading the logs" />
        ) : (
          <SelectionPanel
            run={run}
            node={selectedNode}
            nodeRun={selectedRun}
            title={selectedNode ? (titles[selectedNode] ?? selectedNode) : 'All nodes'}
            titles={titles}
            search={search}
            onSearchChange={onSearchChange}
            viewer={stage >= 2}
            controls={
              <NodeRunControls
                key={selectedNode}
                run={run}
                nodeRun={selectedRun}
                graph={ranOn}
                titles={titles}
                onMarked={(node) => onSearchChange({ node }, { replace: true })}
                workflowDeleted={workflowDeleted}
              />
            }
          />
        )}
      </Paper>
    </Stack>
  );
}

/** The nodes and connections drawn: the run's version's, or (none known) the node runs alone. */
function drawnGraph(
  run: WorkflowRunSummary,
  ranOn: Pick<Workflow, 'nodes' | 'connections'> | undefined,
) {
  if (ranOn) {
    const ranTitles = new Map(run.nodeRuns.map((nr) => [nr.nodeIdentifier, nr.nodeTitle]));
    return {
      nodes: ranOn.nodes.map((n) => ({
        identifier: n.identifier,
        title: n.title ?? ranTitles.get(n.identifier) ?? undefined,
      })),
      connections: ranOn.connections,
    };
  }
  return {
    nodes: [...latestNodeRunByNode(run.nodeRuns).values()].map((nr) => ({
      identifier: nr.nodeIdentifier,
      title: nr.nodeTitle ?? undefined,
    })),
    connections: [],
  };
}

interface PanelProps {
  run: WorkflowRunSummary;
  node: string | null;
  nodeRun: NodeRunSummary | null;
  title: string;
  titles: Record<string, string>;
  search: PageSearch;
  onSearchChange: Props['onSearchChange'];
  /** The selected node's acts (mark complete, re-run from here). */
  controls: ReactNode;
  /** False while the page mounts: the log viewer's place is kept by a skeleton of its height. */
  viewer: boolean;
}

function SelectionPanel({
  run,
  node,
  nodeRun,
  title,
  titles,
  search,
  onSearchChange,
  controls,
  viewer,
}: PanelProps) {
  const tab = search.tab ?? 'logs';
  const runLive = run.status !== 'COMPLETED';
  const live = node ? nodeRun?.status === 'IN_PROGRESS' : runLive;
  const nodeLabels = useMemo(
    () =>
      Object.fromEntries(
        run.nodeRuns.map((nr) => [nr.identifier, titles[nr.nodeIdentifier] ?? nr.nodeIdentifier]),
      ),
    [run.nodeRuns, titles],
  );

  return (
    <Stack gap="sm">
      <Group gap="sm">
        <Title order={2} fz="h4" lh="h3">
          {title}
        </Title>
        {nodeRun && <StatusBadge state={nodeRunState(nodeRun)} />}
        {node && !nodeRun && <StatusBadge state={unrunState(run)} />}
        {node && controls}
      </Group>
      {nodeRun && <NodeRunLinks nodeRun={nodeRun} title={title} />}
      <Tabs
        value={tab}
        onChange={(v) => onSearchChange({ tab: v === 'output' ? 'output' : undefined })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="logs">Logs</Tabs.Tab>
          <Tabs.Tab value="output">Output</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="logs" pt="sm">
          {node && !nodeRun ? (
            runLive ? (
              <EmptyState order={3} title="This node has not run yet">
                Its logs appear here once it starts.
              </EmptyState>
            ) : (
              <EmptyState order={3} title="This node did not run">
                The run ended before reaching it, so it has no logs.
              </EmptyState>
            )
          ) : !viewer ? (
            <Skeleton height={LOG_VIEWER_HEIGHT} radius="md" aria-label="Loading the logs" />
          ) : (
            <RunLogViewer
              key={nodeRun ? nodeRun.identifier : run.identifier}
              source={nodeRun ? { nodeRunId: nodeRun.identifier } : { runId: run.identifier }}
              live={Boolean(live)}
              counts={nodeRun ? nodeRun.logCounts : sumLogCounts(run.nodeRuns)}
              {...(nodeRun ? {} : { nodeLabels })}
              onSearchChange={onSearchChange}
              height={LOG_VIEWER_HEIGHT}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="output" pt="sm">
          <Stack gap="lg">
            {node && (
              <Stack gap={6}>
                <Text fw={600} size="sm">
                  Output of {title}{' '}
                  <Text span c="dimmed" ff="monospace" size="xs">
                    .outputs.{node}
                  </Text>
                </Text>
                {nodeRun ? (
                  <NodeRunOutputInspector
                    key={nodeRun.identifier}
                    nodeRun={nodeRun}
                    rootPath={formatPath('.outputs', [node])}
                    label={`Output of ${title}`}
                    search={search.oq ?? ''}
                    onSearchChange={(oq) =>
                      onSearchChange({ oq: oq || undefined }, { replace: true })
                    }
                    height={360}
                  />
                ) : (
                  <Text size="sm" c="dimmed">
                    {runLive
                      ? 'No output: this node has not run yet.'
                      : 'No output: this node did not run.'}
                  </Text>
                )}
              </Stack>
            )}
            <RunOutputsSection
              key={node ?? ''}
              run={run}
              node={node}
              search={search}
              onSearchChange={onSearchChange}
            />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

const runRoute = getRouteApi('/_authed/runs/$runId');

/**
 * The run page's log viewer, reading its state (levels, search, line, wrap, follow) from the URL
 * itself: a level chip, a search or a line's link re-renders the viewer alone, not the page's
 * header, graph, timeline and node controls (which read the rest of the search).
 */
function RunLogViewer({
  live,
  onSearchChange,
  ...props
}: Omit<LogViewerProps, 'state' | 'onStateChange'> & Pick<Props, 'onSearchChange'>) {
  const search = runRoute.useSearch({ select: logSearchOf, structuralSharing: true });
  const state: LogViewState = useMemo(() => logStateFromSearch(search, live), [search, live]);
  const onStateChange = useCallback(
    (patch: Partial<LogViewState>) => onSearchChange(logSearchPatch(patch), { replace: true }),
    [onSearchChange],
  );
  return <LogViewer {...props} live={live} state={state} onStateChange={onStateChange} />;
}

/**
 * The run's `variables.outputs`. Beside a node's output it holds that same output again (a 10 MB
 * one arrived twice and took seconds to show), so with a node selected it is fetched only when
 * asked for; with all nodes it is the output shown.
 */
function RunOutputsSection({
  run,
  node,
  search,
  onSearchChange,
}: Pick<PanelProps, 'run' | 'node' | 'search' | 'onSearchChange'>) {
  const [shown, setShown] = useState(node === null);
  return (
    <Stack gap={6}>
      <Group gap="sm">
        <Text fw={600} size="sm">
          Run outputs{' '}
          <Text span c="dimmed" ff="monospace" size="xs">
            variables.outputs
          </Text>
        </Text>
        {!shown && (
          <Button size="compact-xs" variant="default" onClick={() => setShown(true)}>
            Show run outputs
          </Button>
        )}
      </Group>
      {shown && (
        <RunOutputsInspector
          run={run}
          rootPath=".outputs"
          label="Run outputs"
          {...(node
            ? {}
            : {
                search: search.oq ?? '',
                onSearchChange: (oq: string) =>
                  onSearchChange({ oq: oq || undefined }, { replace: true }),
              })}
          height={node ? 280 : 480}
        />
      )}
    </Stack>
  );
}
