import { useComputedColorScheme } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import {
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useEffect, useMemo, type CSSProperties, type ReactNode } from 'react';
import { StateIcon, stateAppearance, type RunState } from '../StatusBadge';
import { dagreLayout, NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { WorkflowGraphProps } from './types';
import classes from './WorkflowGraph.module.css';

/** Nodes from which the minimap is worth its corner. */
const MINIMAP_FROM = 8;
const FIT = { padding: 0.08, maxZoom: 1 };

/** Fits the graph again when its frame's width changes (a phone turned, a window resized). */
function FitOnResize() {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  useEffect(() => {
    if (width > 0) void fitView(FIT);
  }, [width, fitView]);
  return null;
}

interface RunNodeData extends Record<string, unknown> {
  title: string;
  state: RunState | null;
  detail: ReactNode;
  selected: boolean;
  onSelect: ((identifier: string) => void) | undefined;
}
type RunNode = Node<RunNodeData, 'run'>;

/** The colour of a state, from StatusBadge's one vocabulary; gray reads as "dimmed" in both schemes. */
function stateColor(state: RunState | null) {
  const { color } = stateAppearance(state ?? 'not-started');
  return color === 'gray' ? 'var(--mantine-color-dimmed)' : `var(--mantine-color-${color}-filled)`;
}

const RunNodeView = memo(function RunNodeView({ id, data }: NodeProps<RunNode>) {
  const { title, state, detail, selected, onSelect } = data;
  const look = stateAppearance(state ?? 'not-started');
  const style = {
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    '--state-color': stateColor(state),
    '--state-glow': `var(--mantine-color-${look.color}-light)`,
  } as CSSProperties;
  const content = (
    <>
      <span className={classes.title}>{title}</span>
      <span className={classes.meta}>
        {state && <StateIcon state={state} size={12} />}
        {state && look.label}
        {detail && (
          <span>
            {state && '· '}
            {detail}
          </span>
        )}
      </span>
    </>
  );
  return (
    <>
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={false}
        className={classes.handle}
      />
      {onSelect ? (
        <button
          type="button"
          className={classes.node}
          style={style}
          data-state={state ?? 'none'}
          data-live={look.live}
          aria-label={state ? `${title}: ${look.label}` : title}
          aria-pressed={selected}
          title={`${title}: ${look.label}`}
          onClick={() => onSelect(id)}
        >
          {content}
        </button>
      ) : (
        <div className={classes.node} style={style} data-state={state ?? 'none'} title={title}>
          {content}
        </div>
      )}
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={false}
        className={classes.handle}
      />
    </>
  );
});

const nodeTypes = { run: RunNodeView };

/**
 * The workflow graph with zoom, pan, fit-to-view and (for large workflows) a minimap, laid out
 * by dagre. Loaded on demand (WorkflowGraph.tsx), so pages that never draw a graph don't carry
 * @xyflow/react and dagre. The wheel scrolls the page; zoom is the buttons, pinch or Ctrl+wheel.
 */
export default function FlowGraph({
  nodes,
  connections,
  states,
  details,
  selected,
  onSelect,
  height,
}: WorkflowGraphProps & { height: number }) {
  const scheme = useComputedColorScheme('light');
  const wide = useMediaQuery('(min-width: 48em)') ?? true;
  const layout = useMemo(() => dagreLayout({ nodes, connections }), [nodes, connections]);
  const flowNodes = useMemo<RunNode[]>(
    () =>
      nodes.map((n) => ({
        id: n.identifier,
        type: 'run',
        position: layout.positions.get(n.identifier) ?? { x: 0, y: 0 },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        // React Flow lets pointers through nodes that are neither selectable nor draggable; ours
        // are buttons.
        ...(onSelect ? { style: { pointerEvents: 'all' as const } } : {}),
        data: {
          title: n.title || n.identifier,
          state: states ? (states[n.identifier] ?? 'not-started') : null,
          detail: details?.[n.identifier],
          selected: selected === n.identifier,
          onSelect,
        },
      })),
    [nodes, layout, states, details, selected, onSelect],
  );
  const flowEdges = useMemo<Edge[]>(() => {
    const ids = new Set(nodes.map((n) => n.identifier));
    return connections
      .filter((c) => ids.has(c.sourceIdentifier) && ids.has(c.targetIdentifier))
      .map((c) => ({
        id: `${c.sourceIdentifier}->${c.targetIdentifier}`,
        source: c.sourceIdentifier,
        target: c.targetIdentifier,
        markerEnd: {
          type: MarkerType.ArrowClosed,
          width: 16,
          height: 16,
          color: 'var(--mantine-color-dimmed)',
        },
        className: classes.edge,
      }));
  }, [nodes, connections]);

  return (
    <div className={classes.flow} style={{ height }} aria-label="Workflow graph" role="figure">
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        colorMode={scheme}
        fitView
        fitViewOptions={FIT}
        minZoom={0.1}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        zoomOnDoubleClick={false}
        preventScrolling={false}
        attributionPosition="top-right"
      >
        <FitOnResize />
        <Controls showInteractive={false} fitViewOptions={FIT} orientation="horizontal" />
        {wide && nodes.length >= MINIMAP_FROM && (
          <MiniMap
            pannable
            zoomable
            ariaLabel="Minimap of the workflow"
            nodeColor={(n) => stateColor((n.data as RunNodeData).state)}
            nodeStrokeWidth={0}
            nodeBorderRadius={6}
          />
        )}
      </ReactFlow>
    </div>
  );
}
