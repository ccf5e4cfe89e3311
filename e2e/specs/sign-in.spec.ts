import { ADMIN, expect, presetSession, test } from '../fixtures';
import { screenshotBothSchemes } from '../screenshots';
import { pipelineWorkflow, unique } from '../seed-api';

test('signs in with client id and secret and lands on the workflows', async ({
  page,
  signInPage,
  workflowsPage,
  api,
}) => {
  const workflow = await api.createWorkflow(pipelineWorkflow(unique('signin'), 'Sign-in check'));
  await signInPage.goto();
  // This server runs without the demo seed, so nothing is prefilled.
  await expect(signInPage.clientId).toHaveValue('');
  await expect(signInPage.clientSecret).toHaveValue('');
  await screenshotBothSchemes(page, 'sign-in');
  await signInPage.signIn(ADMIN);
  await expect(workflowsPage.workflowLink(workflow.title)).toBeVisible();
  await expect(signInPage.submit).toBeHidden();
  expect(await page.evaluate(() => sessionStorage.getItem('runboard.token'))).toBeTruthy();
});

test('refuses a wrong secret and says so', async ({ signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn({ clientId: ADMIN.clientId, clientSecret: 'not-the-secret' });
  await expect(signInPage.page.getByRole('alert')).toBeVisible();
  await expect(signInPage.submit).toBeVisible();
});

test('a page opened without a session goes to sign-in and comes back after it', async ({
  page,
  signInPage,
  api,
}) => {
  const workflow = await api.createWorkflow(pipelineWorkflow(unique('redirect'), 'Redirect check'));
  await page.goto(`/workflows/${workflow.identifier}`);
  await expect(signInPage.submit).toBeVisible();
  await signInPage.signIn(ADMIN);
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow.identifier}$`));
  await expect(page.getByRole('heading', { name: 'Redirect check' })).toBeVisible();
});

test('a token the server no longer accepts is renewed with the tab’s credentials', async ({
  page,
  api,
  workflowsPage,
}) => {
  const workflow = await api.createWorkflow(pipelineWorkflow(unique('renew'), 'Renewal check'));
  await presetSession(page, ADMIN, 'expired-token');
  await workflowsPage.goto();
  await expect(workflowsPage.workflowLink(workflow.title)).toBeVisible();
  const token = await page.evaluate(() => sessionStorage.getItem('runboard.token'));
  expect(token).not.toBe('expired-token');
  expect(token).toBeTruthy();
});
