import path from 'node:path';
import { expect, test } from '../fixtures';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { unique, type WorkflowInput } from '../seed-api';

const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

const SOURCES = ['orders', 'payments', 'customers', 'inventory', 'shipments'];
const REFRESHES = [
  'Refresh revenue dashboard',
  'Refresh churn model',
  'Refresh stock forecast',
  'Refresh search index',
];

/** 20 nodes as the demo's nightly pipeline draws them: a fan-out of five, a fan-in, a fan-out of four. */
function twentyNodeWorkflow(identifier: string): WorkflowInput {
  const kafka = (id: string, title: string) => ({
    identifier: id,
    title,
    config: { type: 'KAFKA' as const },
  });
  const nodes = [
    { identifier: 'trigger', title: 'Start', config: { type: 'SELF_SERVE_TRIGGER' as const } },
    kafka('snapshot', 'Snapshot inventory'),
    ...SOURCES.map((s) => kafka(`extract_${s}`, `Extract ${s}`)),
    ...SOURCES.map((s) => kafka(`validate_${s}`, `Validate ${s}`)),
    kafka('transform', 'Build fact tables'),
    kafka('load', 'Load warehouse'),
    ...REFRESHES.map((title, i) => kafka(`refresh_${i}`, title)),
    kafka('report', 'Publish quality report'),
    kafka('notify', 'Notify the data team'),
  ];
  const edge = (s: string, t: string) => ({ sourceIdentifier: s, targetIdentifier: t });
  const connections = [
    edge('trigger', 'snapshot'),
    ...SOURCES.flatMap((s) => [
      edge('snapshot', `extract_${s}`),
      edge(`extract_${s}`, `validate_${s}`),
      edge(`validate_${s}`, 'transform'),
    ]),
    edge('transform', 'load'),
    ...REFRESHES.flatMap((_, i) => [edge('load', `refresh_${i}`), edge(`refresh_${i}`, 'report')]),
    edge('report', 'notify'),
  ];
  return { identifier, title: 'Nightly data pipeline', nodes, connections };
}

test('the graph fits a 20-node workflow, zooms, and a click on a node selects it', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  // Screenshots in two schemes and two widths on a shared 2-core machine take their time.
  test.setTimeout(120_000);
  const workflow = await api.createWorkflow(twentyNodeWorkflow(unique('nightly')));
  expect(workflow.nodes).toHaveLength(20);
  const run = await api.startRun(workflow.identifier);
  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);

  const graph = page.getByRole('figure', { name: 'Workflow graph' });
  const nodes = graph.getByRole('button', { name: /: / });
  await expect(nodes).toHaveCount(20);
  await expect(page.getByRole('img', { name: 'Minimap of the workflow' })).toBeVisible();

  /** Titles of the nodes not wholly inside the graph's frame (measured in one go, in the page). */
  const outside = () =>
    graph.evaluate((frame) => {
      const box = frame.getBoundingClientRect();
      return [...frame.querySelectorAll('button[aria-pressed]')]
        .filter((node) => {
          const b = node.getBoundingClientRect();
          return (
            b.left < box.left - 0.5 ||
            b.top < box.top - 0.5 ||
            b.right > box.right + 0.5 ||
            b.bottom > box.bottom + 0.5
          );
        })
        .map((node) => node.getAttribute('aria-label'));
    });
  await expect.poll(outside).toEqual([]);

  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom In' }).click();
  await expect.poll(async () => (await outside()).length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Fit View' }).click();
  await expect.poll(outside).toEqual([]);
  for (const node of await nodes.all()) await expect(node).toBeInViewport();

  await detail.node('Validate payments').click();
  await expect(detail.node('Validate payments')).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/[?&]node=validate_payments\b/);
  await expect(page.getByRole('heading', { name: 'Validate payments', exact: true })).toBeVisible();
  await expect(detail.node('Snapshot inventory')).toHaveAccessibleName(
    'Snapshot inventory: In progress',
  );

  await screenshotBothSchemes(page, 'workflow-graph-20-nodes');
  // A narrower window fits the graph again by itself.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(outside).toEqual([]);
  await saveScreenshot(page, {
    path: path.join(SHOTS, 'workflow-graph-20-nodes-390.png'),
    fullPage: true,
  });
});

declare global {
  interface Window {
    __graph: { observed: string[]; transforms: string[]; edgesWithNodes: number | null };
  }
}

/**
 * The graph's nodes come with their size and handles (FlowGraph.tsx), and the frame's width is
 * known before React Flow mounts (WorkflowGraph.tsx): React Flow measures no node (the build's
 * rewrite of its node observer, scripts/vite-boot-rewrites.ts), draws the edges in the commit
 * that mounts the nodes, and the graph is fitted once, to the pane's real size (a wrong guess of
 * it would fit it again when React Flow's observer reports the size). A live run's changes of
 * state measure nothing either (they re-measured every node before).
 */
test('the graph mounts with its edges and fitted, measuring no node, and a change of state measures none', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const workflow = await api.createWorkflow(twentyNodeWorkflow(unique('nightly')));
  const run = await api.startRun(workflow.identifier);
  await page.addInitScript(() => {
    const graph: Window['__graph'] = { observed: [], transforms: [], edgesWithNodes: null };
    window.__graph = graph;
    const observe = ResizeObserver.prototype.observe;
    ResizeObserver.prototype.observe = function (target, options) {
      if (target.classList.contains('react-flow__node'))
        graph.observed.push(target.getAttribute('data-id') ?? '?');
      observe.call(this, target, options);
    };
    new MutationObserver(() => {
      const viewport = document.querySelector<HTMLElement>('.react-flow__viewport');
      if (!viewport || !document.querySelector('.react-flow__node')) return;
      // The first batch of changes with nodes in it: the commit that mounted them.
      graph.edgesWithNodes ??= document.querySelectorAll('.react-flow__edge-path').length;
      const transform = viewport.style.transform;
      if (graph.transforms[graph.transforms.length - 1] !== transform)
        graph.transforms.push(transform);
    }).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['style'],
    });
  });
  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);
  await detail.expectStaged();
  const graph = page.getByRole('figure', { name: 'Workflow graph' });
  await expect(graph.getByRole('button', { name: /: / })).toHaveCount(20);
  // Long enough for React Flow's observers to have reported the pane's size (a frame or two).
  await page.waitForTimeout(1000);
  const seen = await page.evaluate(() => window.__graph);
  expect(seen.edgesWithNodes).toBe(workflow.connections.length);
  expect(seen.observed).toEqual([]);
  // Its first commit's placeholder viewport, then the fitted one: fitted once.
  expect(seen.transforms.length).toBeLessThanOrEqual(2);
  expect(seen.transforms.at(-1)).not.toBe('translate(0px, 0px) scale(1)');
  // The handles given up front are where the stylesheet draws them: every edge starts at its
  // source's right handle's outer side and ends at its target's left handle's, on screen.
  const misplaced = await graph.evaluate((frame) => {
    const wrong: string[] = [];
    for (const edge of frame.querySelectorAll<SVGGElement>('.react-flow__edge')) {
      const [source, target] = edge.dataset.id!.split('->');
      const path = edge.querySelector<SVGPathElement>('.react-flow__edge-path')!;
      const ctm = path.getScreenCTM()!;
      const start = path.getPointAtLength(0).matrixTransform(ctm);
      const end = path.getPointAtLength(path.getTotalLength()).matrixTransform(ctm);
      const handle = (node: string, side: string) =>
        frame
          .querySelector(`.react-flow__handle[data-nodeid="${node}"][data-handlepos="${side}"]`)!
          .getBoundingClientRect();
      const from = handle(source!, 'right');
      const to = handle(target!, 'left');
      const near = (a: number, b: number) => Math.abs(a - b) < 0.5;
      if (
        !near(start.x, from.right) ||
        !near(start.y, from.top + from.height / 2) ||
        !near(end.x, to.left) ||
        !near(end.y, to.top + to.height / 2)
      )
        wrong.push(edge.dataset.id!);
    }
    return wrong;
  });
  expect(misplaced).toEqual([]);

  const snapshot = await api.nodeRun(run.identifier, 'snapshot');
  await api.patchNodeRun(snapshot.identifier, { status: 'COMPLETED', result: 'SUCCESS' });
  await expect(detail.node('Snapshot inventory')).toHaveAccessibleName(
    'Snapshot inventory: Succeeded',
  );
  expect((await page.evaluate(() => window.__graph)).observed).toEqual([]);
});
