import type { Page } from '@playwright/test';
import { ADMIN_PERSON, MEMBER, USER_IDS, expect, presetSession, test } from '../fixtures';
import { ActionRunPage, ActionRunsPage } from '../pages/action-runs-page';
import { seedFailedRun, seedLiveRun, seedPipeline } from '../scenarios';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';

const suffix = () => unique('a').slice(2).replace('-', '_');

/** A DAY-2 action on a fresh blueprint that needs an admin's approval, and its entity. */
async function seedGuardedAction(actions: ActionsSeedApi) {
  const { blueprint } = await seedServiceCatalog(actions, suffix());
  const guarded = `guarded_${suffix()}`;
  await actions.createAction({
    identifier: guarded,
    title: 'Delete service',
    blueprint,
    trigger: { operation: 'DAY-2' },
    requiredApproval: true,
  });
  await actions.createEntity(blueprint, { identifier: 'orders', title: 'Orders' });
  return { blueprint, guarded };
}

const approvers = (page: Page) => page.getByRole('table', { name: 'Approvers' });
const approval = (page: Page) => page.getByRole('region', { name: 'Approval' });

test('an admin approves a run waiting for approval, with a reason; it starts', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { guarded } = await seedGuardedAction(actions);
  const run = await actions.startActionRun(guarded, { properties: {}, entity: 'orders' });
  expect(run.status).toBe('WAITING_FOR_APPROVAL');
  const runPage = new ActionRunPage(page);
  await runPage.goto(run.id);

  await expect(page.getByText('Waiting for approval').first()).toBeVisible();
  // Nothing runs yet: the time since the start is how long it has waited.
  await expect(page.getByText('Waiting for', { exact: true })).toBeVisible();
  await expect(page.getByText('Running for', { exact: true })).toHaveCount(0);
  await expect(approvers(page)).toContainText(ADMIN_PERSON.name);
  await expect(approvers(page)).toContainText('Pending');
  await screenshotBothSchemes(page, 'approval-waiting');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(approval(page).getByRole('button', { name: 'Approve' })).toBeInViewport();
  await screenshotBothSchemes(page, 'approval-waiting-390');
  await page.setViewportSize({ width: 1440, height: 900 });

  await approval(page).getByRole('button', { name: 'Approve' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('The run starts IN_PROGRESS');
  await dialog.getByRole('textbox', { name: /^Reason/ }).fill('Checked the change ticket');
  await dialog.getByRole('button', { name: 'Approve run' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByText('In progress').first()).toBeVisible();
  await expect(page.getByText('Running for', { exact: true })).toBeVisible();
  await expect(approvers(page)).toContainText('Approved');
  await expect(approvers(page)).toContainText('Checked the change ticket');
  await expect(approval(page).getByRole('button', { name: 'Approve' })).toHaveCount(0);
  // The dialog said the reason goes to the run's log: it is there, by name.
  await expect(
    runPage.logLine(new RegExp(`Approved by ${ADMIN_PERSON.name}.*: Checked the change ticket`)),
  ).toBeVisible();
  const after = await actions.request<{ run: { status: string; approval: unknown } }>(
    'GET',
    `/actions/runs/${run.id}?version=v2`,
  );
  expect(after.body.run.status).toBe('IN_PROGRESS');
  expect(after.body.run.approval).toMatchObject({
    userId: USER_IDS.admin,
    state: 'APPROVED',
    description: 'Checked the change ticket',
  });
});

test('an admin declines a waiting run: it ends DECLINED; a member sees why they cannot', async ({
  signedIn: page,
  api,
  browser,
  memberApi,
}) => {
  const actions = new ActionsSeedApi(api);
  const { guarded } = await seedGuardedAction(actions);
  const run = await actions.startActionRun(guarded, { properties: {}, entity: 'orders' });

  // A member sees the approval but cannot decide it.
  const memberPage = await browser.newPage();
  await presetSession(memberPage, MEMBER, await memberApi.token());
  await new ActionRunPage(memberPage).goto(run.id);
  await expect(approval(memberPage).getByRole('button', { name: 'Approve' })).toBeDisabled();
  await expect(approval(memberPage).getByRole('button', { name: 'Decline' })).toBeDisabled();
  await expect(approval(memberPage)).toContainText(
    'Only admins approve or decline action runs; you are signed in as member',
  );
  await memberPage.close();

  // The Action runs list finds it under "Waiting for approval".
  const runsPage = new ActionRunsPage(page);
  await runsPage.goto('?status=WAITING_FOR_APPROVAL');
  await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('Waiting for approval');
  await expect(runsPage.row(run.id)).toContainText('Waiting for approval');
  await screenshotBothSchemes(page, 'action-runs-waiting');
  await runsPage.row(run.id).getByRole('link', { name: run.id }).click();

  await approval(page).getByRole('button', { name: 'Decline' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('The run ends DECLINED');
  await dialog.getByRole('textbox', { name: /^Reason/ }).fill('Not during the freeze');
  await dialog.getByRole('button', { name: 'Decline run' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByText('Declined').first()).toBeVisible();
  await expect(approvers(page)).toContainText('Not during the freeze');
  await expect(approval(page).getByRole('button', { name: 'Decline' })).toHaveCount(0);
  await expect(
    new ActionRunPage(page).logLine(
      new RegExp(`Declined by ${ADMIN_PERSON.name}.*: Not during the freeze`),
    ),
  ).toBeVisible();
  await screenshotBothSchemes(page, 'approval-declined');

  await runsPage.goto('?status=WAITING_FOR_APPROVAL');
  await expect(runsPage.row(run.id)).toHaveCount(0);
});

test('re-runs an action run from its page: the form opens with its inputs and entity, editable', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint, create, deploy } = await seedServiceCatalog(actions, suffix());
  await actions.createEntity(blueprint, { identifier: 'orders', title: 'Orders' });
  const first = await actions.startActionRun(create, { properties: { name: 'payments' } });
  const runPage = new ActionRunPage(page);
  await runPage.goto(first.id);

  await page.getByRole('button', { name: 'Re-run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Re-run Create service' });
  const name = dialog.getByRole('textbox', { name: /^name/ });
  await expect(name).toHaveValue('payments');
  await name.fill('payments-v2');
  await screenshotBothSchemes(page, 'action-run-rerun');
  await dialog.getByRole('button', { name: 'Start run' }).click();

  await expect(page).not.toHaveURL(new RegExp(first.id));
  await expect(runPage.runId).not.toHaveText(first.id);
  const secondId = (await runPage.runId.textContent())?.trim() ?? '';
  const second = await actions.request<{
    run: { properties: object; action: { identifier: string } };
  }>('GET', `/actions/runs/${secondId}?version=v2`);
  expect(second.body.run.properties).toEqual({ name: 'payments-v2' });
  expect(second.body.run.action.identifier).toBe(create);

  // A DAY-2 run keeps its entity; its empty inputs say so instead of an empty tree.
  const day2 = await actions.startActionRun(deploy, { properties: {}, entity: 'orders' });
  await runPage.goto(day2.id);
  await expect(page.getByRole('region', { name: 'Inputs' })).toContainText('No inputs.');
  await page.getByRole('button', { name: 'Re-run' }).click();
  const again = page.getByRole('dialog', { name: 'Re-run Deploy service' });
  // The entity picker of the action's blueprint shows the kept entity by title and identifier.
  await expect(again.getByRole('combobox', { name: /^Entity/ })).toHaveValue('Orders (orders)');
  await again.getByRole('button', { name: 'Start run' }).click();
  await expect(runPage.runId).not.toHaveText(day2.id);
  await expect(page.getByRole('link', { name: 'Orders', exact: true })).toBeVisible();
});

test('lists the runs of every workflow at /runs and filters them by workflow and status', async ({
  signedIn: page,
  api,
}) => {
  const checkout = await seedPipeline(api, 'Deploy checkout');
  const billing = await seedPipeline(api, 'Deploy billing');
  const { run: failed } = await seedFailedRun(api, checkout);
  const { run: live } = await seedLiveRun(api, billing);

  await page.goto('/workflows');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Runs', exact: true })
    .click();
  await expect(page).toHaveURL(/\/runs$/);
  const table = page.getByRole('table', { name: 'Workflow runs' });
  await expect(table.getByRole('row').filter({ hasText: failed.identifier })).toContainText(
    'Deploy checkout',
  );
  await expect(table.getByRole('row').filter({ hasText: live.identifier })).toContainText(
    'Deploy billing',
  );

  const workflow = page.getByRole('combobox', { name: 'Workflow', exact: true });
  await workflow.click();
  await page.getByRole('option', { name: 'Deploy billing' }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]workflow=${billing.identifier}\\b`));
  await expect(table.getByRole('link', { name: live.identifier })).toBeVisible();
  await expect(table.getByRole('link', { name: failed.identifier })).toHaveCount(0);
  await screenshotBothSchemes(page, 'all-runs');

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('combobox', { name: 'Status', exact: true }).click();
  await page.getByRole('option', { name: 'Failed' }).click();
  await expect(page).toHaveURL(/[?&]status=FAILED\b/);
  await expect(table.getByRole('link', { name: failed.identifier })).toBeVisible();
  await expect(table.getByRole('link', { name: live.identifier })).toHaveCount(0);
  await page.reload();
  await expect(table.getByRole('link', { name: failed.identifier })).toBeVisible();
  await expect(table.getByRole('link', { name: live.identifier })).toHaveCount(0);

  await table.getByRole('link', { name: 'Deploy checkout' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${checkout.identifier}`));
});

test('the header’s run-id box opens a workflow run, a node run, an action run or a link of ours; an unknown id says so', async ({
  signedIn: page,
  api,
}) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  const { run, workflow } = await seedFailedRun(api);
  const actions = new ActionsSeedApi(api);
  const { create } = await seedServiceCatalog(actions, suffix());
  const actionRun = await actions.startActionRun(create, { properties: { name: 'x' } });
  const trigger = await api.nodeRun(run.identifier, 'trigger');

  await page.goto('/workflows');
  const box = page.getByRole('textbox', { name: 'Run id' });
  await box.fill(`  ${run.identifier} `);
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/runs/${run.identifier}`));
  await expect(page.getByRole('heading', { name: run.identifier })).toBeVisible();

  // A link to a log line keeps its node and line.
  await box.fill(`https://runboard.example.com/runs/${run.identifier}?node=build&line=2`);
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/runs/${run.identifier}\\?node=build&line=2$`));
  await expect(page.getByRole('heading', { name: 'Build image', exact: true })).toBeVisible();

  await box.fill(`http://example.com/actions/runs/${actionRun.id}`);
  await box.press('Enter');
  await expect(new ActionRunPage(page).runId).toHaveText(actionRun.id);

  // A node run id (a backend's log names one): its run opens with that node selected, not the
  // run's default (the failed build).
  await box.fill(`node ${trigger.identifier} started`);
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/runs/${run.identifier}\\?node=${trigger.identifier}$`));
  await expect(page.getByRole('heading', { name: 'Start', exact: true })).toBeVisible();
  await expect(box).toHaveValue('');

  // A link to any page of ours opens as it is.
  await box.fill(new URL(`/workflows/${workflow.identifier}?tab=trends`, page.url()).href);
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow.identifier}\\?tab=trends$`));

  await box.fill('deploy-checkout');
  await box.press('Enter');
  await expect(page.getByText('Paste a run id (wfr_…, wfnr_… or r_…) or a link')).toBeVisible();

  await box.fill('wfnr_0000000000000000');
  await box.press('Enter');
  await expect(page.getByText('Node run wfnr_0000000000000000 was not found')).toBeVisible();
  await screenshotBothSchemes(page, 'run-id-box-node-run-not-found');
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow.identifier}\\?tab=trends$`));

  const unknown = 'wfr_0000000000000000';
  await box.fill(unknown);
  await box.press('Enter');
  await expect(page.getByText(`Run ${unknown} was not found`)).toBeVisible();
  // Still inside the shell: the navigation and the box are there.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await screenshotBothSchemes(page, 'run-not-found');
  await box.fill('r_0000000000000000');
  await box.press('Enter');
  await expect(page.getByText('Action run r_0000000000000000 was not found')).toBeVisible();

  // A missing run is an answer, not a crash: nothing uncaught, no stack in the console.
  expect(errors.filter((e) => !/Failed to load resource: .* 404/.test(e))).toEqual([]);
});

test('at 390 px the run-id box sits in the navigation drawer', async ({ signedIn: page, api }) => {
  const { run } = await seedFailedRun(api);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/runs');
  await expect(page.getByRole('table', { name: 'Workflow runs' })).toBeVisible();
  await screenshotBothSchemes(page, 'all-runs-390');
  await page.getByRole('button', { name: 'Open navigation' }).click();
  const box = page.getByRole('textbox', { name: 'Run id' });
  await box.fill('wfnr_0000000000000000');
  await box.press('Enter');
  await expect(page.getByText('Node run wfnr_0000000000000000 was not found')).toBeVisible();
  await screenshotBothSchemes(page, 'run-id-box-error-390');
  await box.fill(run.identifier);
  await screenshotBothSchemes(page, 'run-id-box-390');
  await box.press('Enter');
  await expect(page.getByRole('heading', { name: run.identifier })).toBeVisible();
});

test('the header fits at every width: under 1200 px the run-id box and account are in the drawer', async ({
  signedIn: page,
  api,
}) => {
  await seedFailedRun(api);
  for (const width of [768, 900, 1024, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/runs');
    await expect(page.getByRole('table', { name: 'Workflow runs' })).toBeVisible();
    await saveScreenshot(page, { path: `test-results/screenshots/header-${width}.png` });
    const overflow = await page.evaluate(() => {
      const header = document.querySelector('header');
      return header ? header.scrollWidth - header.clientWidth : -1;
    });
    expect(overflow, `header overflow at ${width}px`).toBeLessThanOrEqual(0);
    const toggle = page.getByRole('button', { name: /^Switch to (dark|light) mode$/ });
    await expect(toggle).toBeInViewport({ ratio: 1 });
    if (width >= 1200) {
      await expect(page.getByRole('button', { name: 'Account' })).toBeInViewport({ ratio: 1 });
      await expect(page.getByRole('textbox', { name: 'Run id' })).toBeInViewport({ ratio: 1 });
    } else {
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await expect(page.getByRole('textbox', { name: 'Run id' })).toBeInViewport({ ratio: 1 });
      await expect(page.getByRole('button', { name: 'Sign out' })).toBeInViewport({ ratio: 1 });
    }
  }
});

test('one page width rule: every page fills the window up to 1400 px, centred beyond', async ({
  signedIn: page,
  api,
}) => {
  const { run } = await seedFailedRun(api);
  const actions = new ActionsSeedApi(api);
  const { create } = await seedServiceCatalog(actions, suffix());
  const actionRun = await actions.startActionRun(create, { properties: { name: 'x' } });
  await page.setViewportSize({ width: 1920, height: 1000 });
  const pages: [string, string][] = [
    ['/workflows', 'Workflows'],
    ['/runs', 'Workflow runs'],
    [`/runs/${run.identifier}`, run.identifier],
    ['/actions/runs', 'Action runs'],
    [`/actions/runs/${actionRun.id}`, actionRun.id],
  ];
  for (const [url, heading] of pages) {
    await page.goto(url);
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    const box = await page.locator('main > div').first().boundingBox();
    expect(box, url).not.toBeNull();
    expect(Math.round(box?.width ?? 0), url).toBe(1400);
    // Centred: as much room on the left as on the right.
    const left = box?.x ?? 0;
    const right = 1920 - left - (box?.width ?? 0);
    expect(Math.abs(left - right), url).toBeLessThanOrEqual(20);
  }
});
