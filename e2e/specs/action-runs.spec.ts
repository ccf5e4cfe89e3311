import { MEMBER_PERSON, expect, test } from '../fixtures';
import { ActionRunPage, ActionRunsPage } from '../pages/action-runs-page';
import { LogViewerPanel } from '../pages/run-detail-page';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';

const suffix = () => unique('x').slice(2);

test('follows an action run live while a backend drives it through the API, start to finish', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint, create } = await seedServiceCatalog(actions, suffix());
  const run = await actions.startActionRun(create, {
    properties: { name: 'payments', note: 'javascript:alert(1)' },
  });
  const runPage = new ActionRunPage(page);

  await runPage.goto(run.id);
  await expect(page.getByText('In progress').first()).toBeVisible();
  await expect(runPage.links).toContainText('No links yet.');
  await expect(runPage.changes).toContainText('No entity changed by this run yet.');
  await screenshotBothSchemes(page, 'action-run-live');

  // The backend: logs, a label, the entity it creates, then success with links.
  await actions.postLog(run.id, { message: 'Cloning template repository' });
  await actions.postLog(run.id, { message: 'Quota nearly reached', level: 'WARN' });
  await expect(runPage.logLine('Cloning template repository')).toBeVisible();
  await expect(runPage.logLine('Quota nearly reached')).toBeVisible();
  // The level chips count the action run's lines, as a workflow node's log chips do.
  const viewer = new LogViewerPanel(page);
  await expect(viewer.levelChip('INFO')).toHaveAccessibleName('INFO 1');
  await expect(viewer.levelChip('WARN')).toHaveAccessibleName('WARN 1');

  await actions.patchRun(run.id, { statusLabel: 'Provisioning' });
  await expect(page.getByText('Provisioning', { exact: true })).toBeVisible();

  await actions.createEntity(
    blueprint,
    { identifier: 'payments', title: 'Payments', properties: { version: '1.0.0' } },
    run.id,
  );
  await expect(runPage.changes).toContainText('Created');
  await expect(runPage.changes.getByRole('table', { name: 'Changes' })).toContainText('1.0.0');

  const refused = await actions.patchRun(run.id, { link: 'javascript:alert(1)' });
  expect(refused.status).toBe(422);
  const linked = await actions.patchRun(run.id, {
    summary: 'Created payments in eu-west-1',
    link: ['https://ci.example.com/jobs/42', 'https://logs.example.com/r/42'],
  });
  expect(linked.status).toBe(200);
  await actions.postLog(run.id, {
    message: 'All done',
    terminationStatus: 'SUCCESS',
    statusLabel: 'Deployed',
  });

  await expect(page.getByText('Succeeded').first()).toBeVisible();
  await expect(page.getByText('Deployed', { exact: true })).toBeVisible();
  await expect(runPage.summary).toContainText('Created payments in eu-west-1');
  const ciLink = runPage.links.getByRole('link', { name: 'https://ci.example.com/jobs/42' });
  await expect(ciLink).toHaveAttribute('target', '_blank');
  await expect(ciLink).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(runPage.logLine('All done')).toBeVisible();

  // A javascript: value is text wherever it shows, never a link.
  await expect(page.getByText('javascript:alert(1)').first()).toBeVisible();
  await expect(page.locator('a[href^="javascript:"]')).toHaveCount(0);

  // The run links to its entity, and the entity's feed back to the run.
  await expect(page.getByRole('link', { name: 'Payments', exact: true })).toBeVisible();
  await screenshotBothSchemes(page, 'action-run-finished');
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
  await page
    .getByRole('table', { name: 'Activity' })
    .getByRole('link', { name: 'Create service' })
    .click();
  await expect(runPage.runId).toHaveText(run.id);
});

test('the audit log’s Runs tab lists every action run and filters them in the URL', async ({
  signedIn: page,
  api,
  memberApi,
}) => {
  const actions = new ActionsSeedApi(api);
  const memberActions = new ActionsSeedApi(memberApi);
  const { blueprint, create, deploy } = await seedServiceCatalog(actions, suffix());
  await actions.createEntity(blueprint, { identifier: 'orders', title: 'Orders' });
  const created = await actions.startActionRun(create, { properties: { name: 'orders' } });
  await actions.patchRun(created.id, { status: 'FAILURE', statusLabel: 'Quota exceeded' });
  const deployed = await memberActions.startActionRun(deploy, {
    properties: {},
    entity: 'orders',
  });
  const runsPage = new ActionRunsPage(page);

  await runsPage.goto(`?blueprint=${blueprint}`);
  await runsPage.expectRuns([deployed.id, created.id]);
  await expect(runsPage.row(created.id)).toContainText('Failed');
  await expect(runsPage.row(created.id)).toContainText('Quota exceeded');
  await expect(runsPage.row(deployed.id)).toContainText('In progress');
  await expect(runsPage.row(deployed.id).getByRole('link', { name: 'Orders' })).toBeVisible();
  await screenshotBothSchemes(page, 'action-runs');

  await runsPage.activeOnly.check();
  await expect(page).toHaveURL(/[?&]active=true\b/);
  await runsPage.expectRuns([deployed.id]);
  await runsPage.activeOnly.uncheck();

  // The action by its title, as the rows show it (Port's Runs tab), not by its identifier.
  await runsPage.pickAction('Create service', create);
  await expect(page).toHaveURL(new RegExp(`[?&]action=${create}\\b`));
  await runsPage.expectRuns([created.id]);
  await page.reload();
  await runsPage.expectRuns([created.id]);
  await expect(runsPage.action).toHaveValue(/^Create service/);
  await runsPage.pickAction('', create);
  await expect(page).not.toHaveURL(/[?&]action=/);

  await runsPage.pickUser(MEMBER_PERSON.name);
  await expect(page).toHaveURL(/[?&]user=user_member\b/);
  await runsPage.expectRuns([deployed.id]);

  await runsPage.pickUser('');
  await expect(page).not.toHaveURL(/[?&]user=/);
  // The entity from the catalog by its title, in any case (it was a free-text identifier box).
  await runsPage.pickEntity('ORD', 'Orders', 'orders');
  await expect(page).toHaveURL(/[?&]entity=orders\b/);
  await runsPage.expectRuns([deployed.id]);
  await page.reload();
  await expect(runsPage.entity).toHaveValue(/^Orders \(orders\)|^orders$/);

  // The in-progress row updates by polling when its backend finishes.
  await actions.patchRun(deployed.id, { status: 'SUCCESS' });
  await expect(runsPage.row(deployed.id)).toContainText('Succeeded');
});

test("the Runs tab's date range (Port's audit log) filters by start time, in the URL", async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint, create } = await seedServiceCatalog(actions, suffix());
  const run = await actions.startActionRun(create, { properties: { name: 'orders' } });
  const runsPage = new ActionRunsPage(page);
  await runsPage.goto(`?blueprint=${blueprint}`);
  await runsPage.expectRuns([run.id]);

  // The boxes take local time (the browser runs in this machine's zone, as this test does).
  const local = (ms: number) =>
    new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const startedAt = Date.parse(run.createdAt);
  await runsPage.startedTo.fill(local(startedAt - 3_600_000));
  await runsPage.startedTo.press('Enter');
  await expect(page).toHaveURL(/[?&]to=/);
  await expect(page.getByText('No action runs match these filters')).toBeVisible();
  await runsPage.startedTo.fill(local(startedAt + 3_600_000));
  await runsPage.startedTo.press('Enter');
  await runsPage.startedFrom.fill(local(startedAt - 3_600_000));
  await runsPage.startedFrom.press('Enter');
  await expect(page).toHaveURL(/[?&]from=/);
  await runsPage.expectRuns([run.id]);
  await page.reload();
  await runsPage.expectRuns([run.id]);
  await expect(runsPage.startedFrom).toHaveValue(local(startedAt - 3_600_000));
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(runsPage.startedFrom).toHaveValue('');
  await expect(runsPage.startedTo).toHaveValue('');
  await expect(page).not.toHaveURL(/[?&](from|to)=/);

  // A preset, counted back from each request (the Runs tab's "Time range"): it replaces a
  // custom range, and a custom end replaces it. (This test's blueprint again: Clear filters
  // cleared it, and other tests start runs meanwhile.)
  await runsPage.goto(`?blueprint=${blueprint}`);
  await runsPage.startedFrom.fill(local(startedAt + 3_600_000));
  await runsPage.startedFrom.press('Enter');
  await expect(page.getByText('No action runs match these filters')).toBeVisible();
  await page.getByRole('combobox', { name: 'Time range' }).click();
  await page.getByRole('option', { name: 'Last 24 hours' }).click();
  await expect(page).toHaveURL(/[?&]range=24h\b/);
  await expect(page).not.toHaveURL(/[?&]from=/);
  await expect(runsPage.startedFrom).toHaveValue('');
  await runsPage.expectRuns([run.id]);
  await page.reload();
  await runsPage.expectRuns([run.id]);
  await expect(page.getByRole('combobox', { name: 'Time range' })).toHaveValue('Last 24 hours');
  await runsPage.startedTo.fill(local(startedAt - 3_600_000));
  await runsPage.startedTo.press('Enter');
  await expect(page).not.toHaveURL(/[?&]range=/);
  await expect(page.getByText('No action runs match these filters')).toBeVisible();
});

test('a run started while the Runs tab is open is announced, not inserted', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint, deploy } = await seedServiceCatalog(actions, suffix());
  await actions.createEntity(blueprint, { identifier: 'orders', title: 'Orders' });
  const first = await actions.startActionRun(deploy, { properties: {}, entity: 'orders' });
  const runsPage = new ActionRunsPage(page);
  await runsPage.goto(`?blueprint=${blueprint}`);
  await runsPage.expectRuns([first.id]);

  const second = await actions.startActionRun(deploy, { properties: {}, entity: 'orders' });
  const banner = page.getByRole('button', { name: '1 new run — show' });
  // The probe polls every 5 s or more.
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await runsPage.expectRuns([first.id]);
  await banner.click();
  await runsPage.expectRuns([second.id, first.id]);
});

test('an unknown action run shows the 404 page', async ({ signedIn: page }) => {
  await page.goto('/actions/runs/r_0000000000000000');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText('Action run r_0000000000000000 was not found')).toBeVisible();
});

test("a run of an action tied to no blueprint (Port's current action shape) shows no blueprint or entity", async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const identifier = `notify_${suffix()}`;
  await actions.createAction({
    identifier,
    title: 'Notify on-call',
    trigger: { type: 'self-service', operation: 'DELETE', userInputs: { properties: {} } },
    invocationMethod: { type: 'KAFKA' },
  });
  const run = await actions.startActionRun(identifier, { properties: { text: 'hello' } });
  expect(run.blueprint).toBeNull();
  const runPage = new ActionRunPage(page);
  await runPage.goto(run.id);
  await expect(page.getByText('Action run · Notify on-call')).toBeVisible();
  await expect(page.getByText('Blueprint', { exact: true }).locator('..')).toContainText('–');
  await screenshotBothSchemes(page, 'action-run-no-blueprint');
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, {
    path: 'test-results/screenshots/action-run-no-blueprint-390.png',
    fullPage: true,
  });
});
