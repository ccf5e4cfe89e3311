import AxeBuilder from '@axe-core/playwright';
import { ADMIN, ADMIN_PERSON, expect, test } from '../fixtures';
import { screenshotBothSchemes } from '../screenshots';
import { pipelineWorkflow, unique } from '../seed-api';

test('signs in with email and password, holds only an httpOnly cookie, and signs out', async ({
  page,
  signInPage,
  workflowsPage,
  api,
}) => {
  const workflow = await api.createWorkflow(pipelineWorkflow(unique('signin'), 'Sign-in check'));
  await signInPage.goto();
  // This server runs without the demo seed, so nothing is prefilled.
  await expect(signInPage.email).toHaveValue('');
  await expect(signInPage.password).toHaveValue('');
  await screenshotBothSchemes(page, 'sign-in');
  await signInPage.signIn(ADMIN_PERSON);
  await expect(workflowsPage.workflowLink(workflow.title)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Account' })).toHaveText(ADMIN_PERSON.name);

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'runboard_session');
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  // Nothing a script in the page could read holds a secret or a token.
  const storage = await page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookie: document.cookie,
  }));
  for (const held of Object.values(storage)) {
    expect(held).not.toContain(ADMIN_PERSON.password);
    expect(held).not.toContain(ADMIN.clientSecret);
    expect(held).not.toContain(session!.value);
    expect(held).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT
  }

  await page.getByRole('button', { name: 'Account' }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(signInPage.submit).toBeVisible();
  await page.goto('/workflows');
  await expect(signInPage.submit).toBeVisible();
});

test('refuses a wrong password and says so', async ({ signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn({ email: ADMIN_PERSON.email, password: 'not-the-password' });
  await expect(signInPage.page.getByRole('alert')).toContainText('The email or password is wrong');
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
  await signInPage.signIn(ADMIN_PERSON);
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow.identifier}$`));
  await expect(page.getByRole('heading', { name: 'Redirect check' })).toBeVisible();
});

test('a cross-site POST carrying the session cookie is refused', async ({ signedIn, baseURL }) => {
  await signedIn.goto('/workflows');
  // As a form on another site would send it: the cookie rides along, the dashboard's header does not.
  const res = await signedIn.context().request.post('/v1/credentials', {
    data: { name: 'forged' },
    headers: { origin: 'https://evil.example' },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()) as { error: string }).toMatchObject({ error: 'forbidden' });
  // The same request from the dashboard itself passes.
  const own = await signedIn.context().request.post('/v1/credentials', {
    data: { name: 'own' },
    headers: { origin: baseURL!, 'x-runboard-csrf': '1' },
  });
  expect(own.status()).toBe(201);
});

test('the sign-in page has no serious or critical accessibility violations', async ({
  signInPage,
}) => {
  await signInPage.goto();
  const results = await new AxeBuilder({ page: signInPage.page }).analyze();
  const serious = results.violations.filter((v) =>
    ['serious', 'critical'].includes(v.impact ?? ''),
  );
  expect(
    serious.map(
      (v) =>
        `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(', ')}`,
    ),
  ).toEqual([]);
});
