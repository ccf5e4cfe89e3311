import { Skeleton } from '@mantine/core';
import { lazy, memo, startTransition, Suspense, useEffect, useRef, useState } from 'react';
import { assignLayers, type GraphInput } from './model';
import type FlowGraphView from './FlowGraph';
import type { WorkflowGraphProps } from './types';

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The chunk (React Flow, dagre) evaluated in one task, dagre's code compiled by small layouts in
 * the next ones (layout.ts WARM_GRAPHS, one a task), and the graph rendered after: in cold loads
 * of the run page the first layout ran in the graph's render and made it one task of 10–13 ms of
 * CPU, and one warm-up layout in a task of its own 7.4–9.8 ms (three now: each ≤ 4.4 ms).
 */
let flowGraph: Promise<{ default: typeof FlowGraphView }> | undefined;
const loadFlowGraph = () =>
  (flowGraph ??= Promise.all([import('./FlowGraph'), import('./layout')]).then(
    async ([graph, layout]) => {
      for (const warm of layout.WARM_GRAPHS) {
        await nextTask();
        layout.dagreLayout(warm);
      }
      await nextTask();
      return graph;
    },
  ));
const FlowGraph = lazy(loadFlowGraph);

const ROW_PX = 80;
const MIN_HEIGHT = 160;
const MAX_HEIGHT = 440;

/**
 * The height the graph takes, known before its code loads (from the tallest column), so the
 * page does not move when it arrives; taller workflows are zoomed to fit or panned.
 */
export function graphHeight(graph: GraphInput): number {
  const perLayer = new Map<number, number>();
  for (const layer of assignLayers(graph).values()) {
    perLayer.set(layer, (perLayer.get(layer) ?? 0) + 1);
  }
  const rows = Math.max(1, ...perLayer.values());
  return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, rows * ROW_PX + 40));
}

/**
 * The workflow graph, drawn by FlowGraph once its chunk (React Flow, dagre) has loaded and its
 * frame's width is known. Memoized: pages re-render it only when its props change (not on every
 * URL change of a log view).
 *
 * The width comes from a ResizeObserver's first report on the placeholder's box (after a frame's
 * own layout: nothing forced), while the chunk loads, so FlowGraph can hand React Flow the pane's
 * size and the graph already fitted: drawn in its first frame with nothing to measure (on a cold
 * load the chunk and dagre's warm-up take longer than that frame; with the chunk already loaded
 * the graph mounts one frame later than it would have).
 */
export const WorkflowGraph = memo(function WorkflowGraph(props: WorkflowGraphProps) {
  const height = graphHeight(props);
  const box = useRef<HTMLDivElement>(null);
  const [frameWidth, setFrameWidth] = useState<number | null>(null);
  useEffect(() => {
    void loadFlowGraph();
    const observer = new ResizeObserver(([entry]) => {
      observer.disconnect();
      const width = entry?.borderBoxSize[0]?.inlineSize ?? entry?.contentRect.width ?? 0;
      // Rendered in a task of its own, time-sliced, not inside the frame this report is part of.
      startTransition(() => setFrameWidth(width));
    });
    observer.observe(box.current!);
    return () => observer.disconnect();
  }, []);
  const placeholder = <Skeleton height={height} radius="md" aria-label="Loading the graph" />;
  return (
    <div ref={box}>
      {frameWidth === null ? (
        placeholder
      ) : (
        <Suspense fallback={placeholder}>
          <FlowGraph {...props} height={height} frameWidth={frameWidth} />
        </Suspense>
      )}
    </div>
  );
});
