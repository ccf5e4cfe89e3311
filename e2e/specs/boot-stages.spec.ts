import { expect, test } from '../fixtures';
import { escapeMenu } from '../menus';
import { seedFailedRun } from '../scenarios';

/**
 * The dashboard boots in stages (src/main.tsx): the libraries, then the app's code, each
 * evaluated in a task of its own and preloaded by index.html; the shell commits before the page;
 * Mantine's ids are React's (scripts/vite-mantine-use-id.ts); a run's dialogs mount when first
 * opened. What a person sees must not change.
 */
test('index.html preloads every boot stage; a lazy route renders on a direct load, after in-app navigation and back', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  // Without the preload links each stage would be fetched only when the one before has run.
  const html = await (await page.request.get('/')).text();
  for (const stage of ['boot-libraries', 'start'])
    expect(html).toMatch(new RegExp(`<link rel="modulepreload"[^>]*href="/assets/${stage}-`));

  const { run, workflow } = await seedFailedRun(api);
  // A direct load of the run page (its component is a lazily loaded chunk).
  await detail.goto(run.identifier, '?node=build');
  await expect(detail.logs.lines.first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Runs', exact: true })).toBeVisible();

  // In-app to the workflow's page (another lazy chunk), then back to the run's log.
  await page.getByRole('link', { name: workflow.title }).first().click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow.identifier}`));
  await expect(page.getByRole('heading', { name: workflow.title })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/runs/${run.identifier}\\?node=build`));
  await expect(detail.logs.lines.first()).toBeVisible();
  await expect(detail.node('Build image')).toHaveAttribute('aria-pressed', 'true');
});

test('ids still tie labels, menus and dialogs together, and a dialog opened late works and closes', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedFailedRun(api);
  await detail.goto(run.identifier, '?node=build');
  await expect(detail.logs.lines.first()).toBeVisible();

  // A menu's button controls the dropdown it opens (ids from Mantine's useId).
  const download = page.getByRole('button', { name: 'Download', exact: true });
  await download.click();
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  const controls = await download.getAttribute('aria-controls');
  expect(controls).toBeTruthy();
  expect(await menu.getAttribute('id')).toBe(controls);
  await escapeMenu(page);

  // The search box is named by its label through those ids.
  await expect(detail.logs.search).toBeVisible();

  // The run's Re-run dialog mounts when first opened, labelled by its title; it closes and opens again.
  await page.getByRole('button', { name: 'Re-run', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  const labelledBy = await dialog.getAttribute('aria-labelledby');
  expect(labelledBy).toBeTruthy();
  await expect(page.locator(`[id="${labelledBy}"]`)).toContainText(/re-run/i);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'Re-run', exact: true }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
});

/**
 * scripts/vite-boot-rewrites.ts: a Tooltip's or Popover's target and Mantine's Portal are set in
 * a transition after the commit that mounts them, and React Flow's pane takes its size from its
 * ResizeObserver instead of a forced layout. On a direct load the header's tooltip still opens
 * on hover, and the graph is still fitted into its frame with every node in view.
 */
test('on a direct load a tooltip opens on hover and the graph is fitted in its frame', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedFailedRun(api);
  await detail.goto(run.identifier, '?node=build');
  await expect(detail.logs.lines.first()).toBeVisible();
  await detail.expectStaged();

  const toggle = page.getByRole('button', { name: /switch to (dark|light) mode/i });
  await toggle.hover();
  const tooltip = page.getByRole('tooltip');
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toHaveText(/switch to (dark|light) mode/i);

  const frame = await page.getByRole('figure', { name: 'Workflow graph' }).boundingBox();
  expect(frame).not.toBeNull();
  for (const title of ['Start', 'Build image', 'Deploy service']) {
    const node = detail.node(title);
    await expect(node).toBeVisible();
    const box = (await node.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(frame!.x);
    expect(box.y).toBeGreaterThanOrEqual(frame!.y);
    expect(box.x + box.width).toBeLessThanOrEqual(frame!.x + frame!.width);
    expect(box.y + box.height).toBeLessThanOrEqual(frame!.y + frame!.height);
  }
});
