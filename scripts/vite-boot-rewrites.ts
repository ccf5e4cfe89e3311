import type { Plugin } from 'vite';

/**
 * For the dashboard's build only: exact rewrites of library code that made a task of the run
 * page's cold load long (found with bench/trace-long-tasks.ts --cpu on cold-load profiles).
 * Each rewrite matches the library's code exactly and fails the build when it does not, so an
 * upgrade that changes the file is looked at, not silently undone.
 */
interface Rewrite {
  module: RegExp;
  name: string;
  find: string;
  replace: string;
}

/**
 * Every Tooltip, Popover and Menu keeps its target element in React state, set from the
 * target's ref callback — a state update in the commit that mounts it, which React renders again
 * synchronously in the same task (floating-ui's `useFloating` twice, @floating-ui/react's over
 * @floating-ui/react-dom's, and Mantine's Popover once more). On a cold load of the run page
 * those synchronous renders, with their effects, were about half of the first commit's task (the
 * shell's and the run header's tooltips and menus) and part of the log panel's (the toolbar's
 * menus and tooltips).
 *
 * These set those three states in a transition: the mount's commit ends without them and React
 * renders them after, time-sliced, in a task of their own. Nothing is shown from them until the
 * floating element opens (a hover, a click), which happens long after; the floating element's
 * own state (set when it opens) stays synchronous, so an opened dropdown is positioned as
 * before.
 */
const FLOATING_REFERENCE: Rewrite[] = [
  {
    module: /\/@floating-ui\/react-dom\/dist\/floating-ui\.react-dom\.mjs$/,
    name: '@floating-ui/react-dom useFloating',
    find: `      referenceRef.current = node;
      _setReference(node);`,
    replace: `      referenceRef.current = node;
      React.startTransition(() => _setReference(node));`,
  },
  {
    module: /\/@floating-ui\/react\/dist\/floating-ui\.react\.mjs$/,
    name: '@floating-ui/react useFloating',
    find: `      domReferenceRef.current = node;
      setDomReference(node);`,
    replace: `      domReferenceRef.current = node;
      React.startTransition(() => setDomReference(node));`,
  },
  {
    module: /\/@mantine\/core\/esm\/components\/Popover\/Popover\.mjs$/,
    name: "Mantine's Popover",
    find: `	const reference = useCallback((node) => {
		setTargetNode(node);`,
    replace: `	const reference = useCallback((node) => {
		__runboardStartTransition(() => setTargetNode(node));`,
  },
  // Mantine's Portal (in every Tooltip and Popover, open or not) marks itself mounted from a
  // layout effect: another synchronous render in the commit that mounts it, which also pulls
  // that commit's passive effects into the same task (React runs them before any synchronous
  // render). A closed Tooltip's or Popover's portal renders nothing; a Modal mounted open (ours
  // mount on first open, OnceOpened) shows one transition later, a few ms.
  {
    module: /\/@mantine\/core\/esm\/components\/Portal\/Portal\.mjs$/,
    name: "Mantine's Portal",
    find: `	useIsomorphicEffect(() => {
		setMounted(true);`,
    replace: `	useIsomorphicEffect(() => {
		__runboardStartTransition(() => setMounted(true));`,
  },
];

/**
 * React Flow's pane reads its own size (`checkVisibility()` and `offsetWidth`) in the passive
 * effect that mounts it, forcing the browser's style and layout of the whole page inside that
 * task (9–13 ms of the graph's 12–13 ms mount task in cold loads of the run page), and then
 * observes the pane with a ResizeObserver — whose first report, right after the frame's own
 * layout, gives the same size without forcing anything. The effect's first read is dropped; the
 * observer (and the window's resize) set the size as before. A pane of no size gets no report
 * (React Flow then said error 004 and drew at 500 × 500): ours always has a height.
 */
const XYFLOW_PANE_SIZE: Rewrite[] = [
  // Its pan and zoom (mounted by the same effects) read the pane's box too, for the extent that
  // d3-zoom centres a wheel or pinch zoom on — which an observer of its own refreshes from its
  // first report on, long before a person zooms — and to constrain the starting viewport within
  // `translateExtent`, which ours leaves infinite (no constraint whatever the box). It starts at
  // 0 × 0 instead of forcing a layout.
  {
    module: /\/@xyflow\/system\/dist\/esm\/index\.m?js$/,
    name: "React Flow's XYPanZoom",
    find: `    const bbox = domNode.getBoundingClientRect();`,
    replace: `    const bbox = { width: 0, height: 0 };`,
  },
  {
    module: /\/@xyflow\/react\/dist\/esm\/index\.m?js$/,
    name: "React Flow's useResizeHandler",
    find: `        if (domNode.current) {
            updateDimensions();
            window.addEventListener('resize', updateDimensions);`,
    replace: `        if (domNode.current) {
            window.addEventListener('resize', updateDimensions);`,
  },
];

/**
 * React Flow observes every node with a ResizeObserver when it mounts, even one whose size and
 * handles it was given (`width`, `height`, `handles`: what it needs for server rendering), and
 * measures them all in the observer's first report — each node's and handle's box, then a
 * synchronous render — in the frame after the graph mounts: the longest task of a cold load of
 * the run page (s15boot2). Our graph gives every node its fixed size and handles
 * (src/components/workflow-graph/FlowGraph.tsx), so React Flow draws nodes and edges from those;
 * a node given `handles` is not observed. A node without them is observed as before.
 */
const XYFLOW_NODE_SIZE: Rewrite[] = [
  {
    module: /\/@xyflow\/react\/dist\/esm\/index\.m?js$/,
    name: "React Flow's useNodeObserver",
    find: `            resizeObserver?.observe(nodeRef.current);
            observedNode.current = nodeRef.current;`,
    replace: `            if (!(isInitialized && node.handles)) resizeObserver?.observe(nodeRef.current);
            observedNode.current = nodeRef.current;`,
  },
];

const IMPORT = `import { startTransition as __runboardStartTransition } from "react";\n`;

export function bootRewrites(): Plugin {
  const rewrites = [...FLOATING_REFERENCE, ...XYFLOW_PANE_SIZE, ...XYFLOW_NODE_SIZE];
  const done = new Set<string>();
  return {
    name: 'runboard:boot-rewrites',
    apply: 'build',
    transform(code, id) {
      const mine = rewrites.filter((r) => r.module.test(id));
      if (!mine.length) return null;
      let out = code;
      for (const rewrite of mine) {
        if (out.split(rewrite.find).length !== 2)
          this.error(
            `${rewrite.name} is not the code scripts/vite-boot-rewrites.ts rewrites: review it for this version`,
          );
        done.add(rewrite.name);
        out = out.replace(rewrite.find, () => rewrite.replace);
      }
      return { code: out.includes('__runboardStartTransition') ? IMPORT + out : out, map: null };
    },
    buildEnd(error) {
      const missing = rewrites.filter((r) => !done.has(r.name)).map((r) => r.name);
      if (!error && missing.length)
        this.error(`${missing.join(', ')} not in the build: review scripts/vite-boot-rewrites.ts`);
    },
  };
}
