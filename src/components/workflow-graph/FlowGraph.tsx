import { useComputedColorScheme } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import {
  Controls,
  getNodesBounds,
  getViewportForBounds,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeHandle,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import {
  memo,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type ReactNode,
} from 'react';
import { StateIcon, stateAppearance, type RunState } from '../StatusBadge';
import { dagreLayout, NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { WorkflowGraphProps } from './types';
import classes from './WorkflowGraph.module.css';

/** Nodes from which the minimap is worth its corner. */
const MINIMAP_FROM = 8;
const MIN_ZOOM = 0.1;
const FIT = { padding: 0.08, maxZoom: 1 };
/** The frame's border (`.flow` in WorkflowGraph.module.css), around React Flow's pane. */
const FRAME_BORDER = 1;
/** React Flow's handles are 6 × 6 px (its stylesheet, border included), centred on the node's side. */
const HANDLE = 6;

/**
 * Where each node's two handles are, given up front as React Flow allows for server rendering:
 * our nodes' size is fixed by our CSS, so nothing needs measuring. React Flow observed every node
 * with a ResizeObserver and, in the frame after the graph mounted, measured each node and handle
 * (`getBoundingClientRect`) and rendered the graph again synchronously to draw the edges — again
 * after every change of the nodes (each poll of a live run) — the longest task of a cold load of
 * the run page (s15boot2). With these (and `measured`) it draws the edges in its first render,
 * and the build's rewrite of its node observer (scripts/vite-boot-rewrites.ts) observes no node
 * that has them; the dev server, without the rewrite, still measures them once at mount. These
 * are the places it measured (edges from 3 px right of the source's right side to 3 px left of
 * the target's left side); an e2e test checks them against the drawn handles.
 */
const HANDLES: NodeHandle[] = [
  {
    type: 'target',
    position: Position.Left,
    x: -HANDLE / 2,
    y: (NODE_HEIGHT - HANDLE) / 2,
    width: HANDLE,
    height: HANDLE,
  },
  {
    type: 'source',
    position: Position.Right,
    x: NODE_WIDTH - HANDLE / 2,
    y: (NODE_HEIGHT - HANDLE) / 2,
    width: HANDLE,
    height: HANDLE,
  },
];
const MEASURED = { width: NODE_WIDTH, height: NODE_HEIGHT };

/**
 * Fits the graph again when its pane's size changes (a phone turned, a window resized), or when
 * it first gets one if the frame had no width when the graph mounted. The first size React Flow's
 * observer reports is the one the graph was drawn fitted to (`paneSize`): no fit then.
 */
function FitOnResize() {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const fitted = useRef({ width, height });
  useEffect(() => {
    if (width <= 0 || height <= 0) return;
    if (fitted.current.width === width && fitted.current.height === height) return;
    fitted.current = { width, height };
    void fitView(FIT);
  }, [width, height, fitView]);
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
      {look.live && <span className={classes.glow} style={style} aria-hidden="true" />}
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
  frameWidth,
}: WorkflowGraphProps & { height: number; frameWidth: number }) {
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
        measured: MEASURED,
        handles: HANDLES,
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
  // The pane's size (the frame's inside) and the graph fitted into it, known before React Flow
  // mounts, so it draws the graph fitted at once (its `fitView` prop waited for the nodes'
  // measuring, a frame later). Its observer's first report then finds that size and changes
  // nothing. React Flow's own pane reads round to whole pixels (`offsetWidth`).
  const [paneSize] = useState(() => ({
    width: Math.max(0, Math.round(frameWidth) - 2 * FRAME_BORDER),
    height: height - 2 * FRAME_BORDER,
  }));
  const [viewport] = useState(() =>
    paneSize.width > 0
      ? getViewportForBounds(
          getNodesBounds(flowNodes),
          paneSize.width,
          paneSize.height,
          MIN_ZOOM,
          FIT.maxZoom,
          FIT.padding,
        )
      : undefined,
  );

  return (
    <div className={classes.flow} style={{ height }} aria-label="Workflow graph" role="figure">
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        colorMode={scheme}
        {...(viewport
          ? { width: paneSize.width, height: paneSize.height, defaultViewport: viewport }
          : {})}
        minZoom={MIN_ZOOM}
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
