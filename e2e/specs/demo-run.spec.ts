import { expect, test } from '../fixtures';
import { StartRunDialog } from '../pages/start-run-dialog';
import { DEMO_WORKFLOWS } from '../../server/seed/demo-workflows';

// A demo install, as a newcomer starts it: the demo seeded, and the simulator playing its
// backends (it plays nothing on a server without the demo).
test.use({ serverEnv: { SIMULATOR: 'on', SEED: 'demo' } });

test('Run on the demo "Deploy service" workflow completes with success within a minute', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  test.setTimeout(120_000);
  const workflow = DEMO_WORKFLOWS.find((w) => w.body.identifier === 'deploy-service')!.body;

  await page.goto(`/workflows/${workflow.identifier}`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = new StartRunDialog(page, `Run ${workflow.title}`);
  await dialog.dialog.getByRole('combobox', { name: 'Service' }).fill('payments');
  await page.getByRole('option', { name: 'Payments API (payments-api)' }).click();
  await dialog.field('Version').fill('2.4.0');
  await dialog.dialog.getByRole('combobox', { name: 'Environment' }).click();
  await page.getByRole('option', { name: 'staging' }).click();
  await dialog.start.click();

  await expect(page).toHaveURL(/\/runs\/wfr_[^/?]+$/);
  const runId = new URL(page.url()).pathname.split('/').pop() ?? '';
  await detail.expectLoaded(runId);
  const header = page.getByRole('heading', { name: runId }).locator('xpath=..');
  await expect(header).toContainText('Succeeded', { timeout: 60_000 });
  const run = await api.getRun(runId);
  expect(run).toMatchObject({ status: 'COMPLETED', result: 'SUCCESS' });
  expect(run.nodeRuns.every((n) => n.result === 'SUCCESS')).toBe(true);
});
