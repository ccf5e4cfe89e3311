import type { Locator, Page } from '@playwright/test';
import { ADMIN_PERSON, MEMBER, expect, presetSession, test } from '../fixtures';
import { ActionRunPage } from '../pages/action-runs-page';
import { seedFailedRun, seedLiveRun, seedPipeline } from '../scenarios';
import { screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';
import { actionRun } from '../seed-controls';

const dialog = (page: Page) => page.getByRole('dialog');
const reasonField = (scope: Locator) => scope.getByRole('textbox', { name: /^Reason/ });
/** The run's status badge in the header, beside the run id. */
const runStatus = (page: Page, runId: string) =>
  page.getByRole('heading', { name: runId }).locator('xpath=..');
/** One fact of the run's header (its label and value). */
const fact = (page: Page, label: string) =>
  page.getByText(label, { exact: true }).locator('xpath=..');

test('marks an in-progress node complete and the run moves on to the next node', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const workflow = await seedPipeline(api);
  const run = await api.startRun(workflow.identifier, { inputs: { service: 'checkout' } });
  await detail.goto(run.identifier, '?node=build');
  await detail.expectLoaded(run.identifier);

  await page.getByRole('button', { name: 'Mark complete' }).click();
  const marking = dialog(page);
  await expect(marking).toContainText('Next to start: Deploy service');
  const output = marking.getByRole('textbox', { name: /^Output/ });
  await output.fill('[1, 2]');
  await expect(marking).toContainText('The output must be a JSON object ({…}), not an array');
  await output.fill('{"image": "checkout:1.4.2"}');
  await marking.getByRole('radio', { name: 'FAILED' }).check();
  await expect(marking).toContainText('The run ends with result FAILED');
  await marking.getByRole('radio', { name: 'SUCCESS' }).check();
  await reasonField(marking).fill('Worker died after pushing the image');
  await screenshotBothSchemes(page, 'run-controls-mark-node');
  await marking.getByRole('button', { name: 'Mark SUCCESS' }).click();
  await expect(marking).toBeHidden();

  await expect(
    detail.logs.line(/Marked SUCCESS by .+: Worker died after pushing the image/),
  ).toBeVisible();
  await expect
    .poll(async () => (await api.nodeRun(run.identifier, 'build')).result)
    .toBe('SUCCESS');
  const build = await api.nodeRun(run.identifier, 'build');
  expect(build.output).toEqual({ image: 'checkout:1.4.2' });
  await detail.selectNode('Deploy service');
  await expect(page.getByRole('button', { name: 'Mark complete' })).toBeVisible();
});

test('marks an action run FAILURE with a status label', async ({ signedIn: page, api }) => {
  const actions = new ActionsSeedApi(api);
  const { create } = await seedServiceCatalog(actions, unique('c').replace('-', '_'));
  const run = await actions.startActionRun(create, { properties: { name: 'payments' } });
  const runPage = new ActionRunPage(page);
  await runPage.goto(run.id);

  await page.getByRole('button', { name: 'Mark complete' }).click();
  const marking = dialog(page);
  await marking.getByRole('radio', { name: 'FAILURE' }).check();
  await marking.getByRole('textbox', { name: /^Status label/ }).fill('Rolled back by hand');
  await marking.getByRole('button', { name: 'Mark FAILURE' }).click();
  await expect(reasonField(marking)).toHaveAccessibleDescription(/Recorded in the run/);
  await expect(marking).toContainText('Say why, for whoever reads the log later');
  await reasonField(marking).fill('The backend crashed mid-rollout');
  await expect(marking).toContainText('The run ends FAILURE labelled “Rolled back by hand”');
  await screenshotBothSchemes(page, 'run-controls-mark-action-run');
  await marking.getByRole('button', { name: 'Mark FAILURE' }).click();

  await expect(page.getByText('Rolled back by hand', { exact: true })).toBeVisible();
  await expect(page.getByText('Failed', { exact: true }).first()).toBeVisible();
  await expect(
    runPage.logLine(/Marked FAILURE by .+: The backend crashed mid-rollout/),
  ).toBeVisible();
  const ended = await actionRun(actions, run.id);
  expect(ended.status).toBe('FAILURE');
  expect(ended.statusLabel).toBe('Rolled back by hand');
  await expect(page.getByRole('button', { name: 'Mark complete' })).toHaveCount(0);
});

test('force-cancels a live run: its in-progress node run ends CANCELLED', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);

  // Its first opening, let go with Escape: focus goes back to the button that opened it.
  const forceCancel = page.getByRole('button', { name: 'Force cancel' });
  await forceCancel.focus();
  await page.keyboard.press('Enter');
  await expect(dialog(page)).toContainText('Every node run still in progress ends CANCELLED');
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toBeHidden();
  await expect(forceCancel).toBeFocused();

  // By keyboard: the dialog opens on its reason field, Ctrl+Enter confirms.
  await page.keyboard.press('Enter');
  const cancelling = dialog(page);
  await expect(cancelling).toContainText('Every node run still in progress ends CANCELLED');
  await expect(reasonField(cancelling)).toBeFocused();
  await page.keyboard.type('Wrong service');
  await screenshotBothSchemes(page, 'run-controls-cancel');
  await page.keyboard.press('Control+Enter');
  await expect(cancelling).toBeHidden();

  await expect(runStatus(page, run.identifier)).toContainText('Cancelled');
  await expect(page.getByRole('button', { name: 'Force cancel' })).toHaveCount(0);
  // Who cancelled it, by name, and why.
  await expect(fact(page, 'Cancelled by')).toContainText(ADMIN_PERSON.name);
  await expect(fact(page, 'Cancelled by')).toContainText('Wrong service');
  await screenshotBothSchemes(page, 'run-controls-cancelled-by');
  const after = await api.getRun(run.identifier);
  expect([after.status, after.result]).toEqual(['COMPLETED', 'CANCELLED']);
  expect((await api.nodeRun(run.identifier, 'deploy')).result).toBe('CANCELLED');
  expect(deploy.status).toBe('IN_PROGRESS');
});

test('cancels a live run plainly: CANCELLING until its backend finishes the node, then CANCELLED', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);

  await page.getByRole('button', { name: 'Cancel run' }).click();
  const cancelling = dialog(page);
  await expect(cancelling).toContainText('the node runs in progress may still finish');
  await reasonField(cancelling).fill('Not needed any more');
  await cancelling.getByRole('button', { name: 'Cancel run' }).click();
  await expect(cancelling).toBeHidden();

  await expect(runStatus(page, run.identifier)).toContainText('Cancelling');
  await expect(fact(page, 'Cancel requested by')).toContainText(ADMIN_PERSON.name);
  await expect(fact(page, 'Cancel requested by')).toContainText('Not needed any more');
  await screenshotBothSchemes(page, 'run-controls-cancelling');
  // Plain cancel is asked once: only forcing is left while the run is cancelling.
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Force cancel' })).toBeEnabled();
  expect((await api.nodeRun(run.identifier, 'deploy')).status).toBe('IN_PROGRESS');

  await api.patchNodeRun(deploy.identifier, { status: 'COMPLETED', result: 'SUCCESS' });
  await expect(runStatus(page, run.identifier)).toContainText('Cancelled', { timeout: 15_000 });
  await expect(fact(page, 'Cancelled by')).toContainText(ADMIN_PERSON.name);
  const after = await api.getRun(run.identifier);
  expect([after.status, after.result]).toEqual(['COMPLETED', 'CANCELLED']);
  expect((await api.nodeRun(run.identifier, 'deploy')).result).toBe('SUCCESS');
});

test('re-runs from a failed node: the new run reuses what came before and links both ways', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedFailedRun(api);
  await detail.goto(run.identifier, '?node=build');
  await detail.expectLoaded(run.identifier);

  await page.getByRole('button', { name: 'Re-run from here' }).click();
  const rerun = dialog(page);
  await expect(rerun).toContainText('the nodes before Build image reuse');
  await reasonField(rerun).fill('Cache fixed');
  await rerun.getByRole('button', { name: 'Re-run from here' }).click();

  await expect(page).not.toHaveURL(new RegExp(`/runs/${run.identifier}`));
  const newId = /\/runs\/([^/?]+)/.exec(page.url())?.[1] ?? '';
  await detail.expectLoaded(newId);
  // The node it restarts from says who re-ran it and why, by name (as the dialog said).
  await detail.selectNode('Build image');
  await expect(
    detail.logs.line(
      new RegExp(
        `Re-run of ${run.identifier} from node build by ${ADMIN_PERSON.name}.*: Cache fixed`,
      ),
    ),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: run.identifier })).toBeVisible();
  await detail.selectNode('Start');
  await expect(page.getByText('reused', { exact: true }).first()).toBeVisible();
  const next = await api.getRun(newId);
  expect(next.rerunOf).toBe(run.identifier);
  expect((await api.nodeRun(newId, 'build')).status).toBe('IN_PROGRESS');

  await page.getByRole('link', { name: run.identifier }).click();
  await detail.expectLoaded(run.identifier);
  await expect(page.getByRole('link', { name: newId })).toBeVisible();
});

test('a completion the server refuses rolls back and shows why', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  await detail.goto(run.identifier, '?node=deploy');
  await detail.expectLoaded(run.identifier);

  await page.getByRole('button', { name: 'Mark complete' }).click();
  const marking = dialog(page);
  await reasonField(marking).fill('Looks stuck');
  // The backend finishes the node first.
  await api.patchNodeRun(deploy.identifier, { status: 'COMPLETED', result: 'FAILED' });
  // Let a poll bring the backend's result in while the dialog is open: it must stay open.
  await expect(runStatus(page, run.identifier)).toContainText('Failed', { timeout: 15_000 });
  await marking.getByRole('button', { name: 'Mark SUCCESS' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'Already finished' });
  await expect(alert).toContainText(/Already finished: .*FAILED/);
  await expect(runStatus(page, run.identifier)).toContainText('Failed');
  await screenshotBothSchemes(page, 'run-controls-refused');
  expect((await api.nodeRun(run.identifier, 'deploy')).result).toBe('FAILED');
});

test('someone who neither started the run nor is an admin sees the controls disabled, and why', async ({
  page,
  api,
  memberApi,
  runDetailPage: detail,
}) => {
  const { run } = await seedLiveRun(api);
  await presetSession(page, MEMBER, await memberApi.token());
  await detail.goto(run.identifier, '?node=deploy');
  await detail.expectLoaded(run.identifier);

  await expect(page.getByRole('button', { name: 'Cancel run' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Mark complete' })).toBeDisabled();
  await expect(
    page
      .getByText(
        'Only admins and the user who started this run (Avery Admin) may mark, cancel or re-run it',
      )
      .first(),
  ).toBeVisible();
});

test('marks a whole run complete: every node run in progress ends with the chosen result', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);

  await page.getByRole('button', { name: 'Mark run complete' }).click();
  const marking = dialog(page);
  await marking.getByRole('radio', { name: 'FAILED' }).check();
  await expect(marking).toContainText('the run ends with result FAILED');
  await reasonField(marking).fill('Deploy verified broken by hand');
  await marking.getByRole('button', { name: 'Mark run FAILED' }).click();

  await expect(runStatus(page, run.identifier)).toContainText('Failed');
  await expect(
    detail.logs.line(/Marked FAILED by .+: Deploy verified broken by hand/),
  ).toBeVisible();
  expect((await api.getRun(run.identifier)).result).toBe('FAILED');
  expect((await api.nodeRun(run.identifier, 'deploy')).result).toBe('FAILED');
});
