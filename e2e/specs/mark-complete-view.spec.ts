import { expect, test } from '../fixtures';
import { seedPipeline } from '../scenarios';
import { screenshotBothSchemes } from '../screenshots';

test('after Mark complete the view stays on the marked node and shows the line just written', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  test.slow(); // a 2,001-character reason re-renders the dialog; slow on a loaded machine
  const workflow = await seedPipeline(api);
  const run = await api.startRun(workflow.identifier, { inputs: { service: 'checkout' } });
  // No ?node=: the page shows the node in progress, Build image.
  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);
  await expect(detail.node('Build image')).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'Mark complete' }).click();
  const marking = page.getByRole('dialog');
  const reason = marking.getByRole('textbox', { name: /^Reason/ });
  await reason.fill('x'.repeat(2001));
  // Kept whole, counted, refused: nothing is cut.
  await expect(reason).toHaveValue('x'.repeat(2001));
  await expect(marking.getByText('2,001 / 2,000')).toBeVisible();
  await expect(marking.getByText('At most 2,000 characters: shorten it by 1')).toBeVisible();
  await screenshotBothSchemes(page, 'mark-complete-reason-too-long');
  await marking.getByRole('button', { name: 'Mark SUCCESS' }).click();
  await expect(marking).toBeVisible();
  expect((await api.nodeRun(run.identifier, 'build')).status).toBe('IN_PROGRESS');

  await reason.fill('Image pushed by hand');
  await expect(marking.getByText('20 / 2,000')).toBeVisible();
  await marking.getByRole('button', { name: 'Mark SUCCESS' }).click();
  await expect(marking).toBeHidden();

  // The dialog closes at once (the page shows the mark before the server answers), so the run
  // may not have reached deploy yet when this first asks.
  await expect
    .poll(async () => (await api.findNodeRun(run.identifier, 'deploy'))?.status ?? 'not started')
    .toBe('IN_PROGRESS');
  await expect(page).toHaveURL(/[?&]node=build\b/);
  await expect(detail.node('Build image')).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.logs.line(/Marked SUCCESS by .+: Image pushed by hand/)).toBeVisible();
});
