import { ADMIN_PERSON, MEMBER, MEMBER_PERSON, expect, presetSession, test } from '../fixtures';
import { seriousViolations } from '../axe';
import { seedPipeline } from '../scenarios';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { unique } from '../seed-api';

async function tokenStatus(baseURL: string, clientId: string, clientSecret: string) {
  const res = await fetch(`${baseURL}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  return res.status;
}

test('an admin adds a person, who then signs in; deactivating them ends it', async ({
  signedIn: page,
  browser,
  baseURL,
}) => {
  test.slow(); // two browser contexts and argon2 hashing on a shared 2-core machine
  const email = `${unique('grace')}@example.com`;
  await page.goto('/settings/people');
  await expect(page.getByRole('table', { name: 'People' })).toContainText(MEMBER_PERSON.name);
  await page.getByRole('button', { name: 'Add person' }).click();
  const form = page.getByRole('form', { name: 'Add a person' });
  await form.getByRole('textbox', { name: 'Email' }).fill(email);
  await form.getByRole('textbox', { name: 'First name' }).fill('Grace');
  await form.getByRole('textbox', { name: 'Last name' }).fill('Hopper');
  await form.getByRole('textbox', { name: 'First password' }).fill('correct horse battery');
  await form.getByRole('button', { name: 'Add' }).click();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('Grace Hopper');

  const other = await browser.newContext({ baseURL: baseURL! });
  const theirs = await other.newPage();
  await theirs.goto('/sign-in');
  await theirs.getByRole('textbox', { name: 'Email' }).fill(email);
  await theirs
    .getByRole('textbox', { name: 'Password', exact: true })
    .fill('correct horse battery');
  await theirs.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(theirs.getByRole('button', { name: 'Account' })).toHaveText('Grace Hopper');

  await row.getByRole('button', { name: 'Deactivate Grace Hopper' }).click();
  await expect(row).toContainText('Deactivated');
  // Their next request finds the session gone and the tab goes to sign-in.
  await theirs.goto('/workflows');
  await expect(theirs.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await other.close();
});

test('machine credentials: the secret is shown once, works, rotates and is revoked at once', async ({
  signedIn: page,
  baseURL,
}) => {
  const name = unique('Deploy backend');
  await page.goto('/settings/credentials');
  await expect(page.getByRole('table', { name: 'Machine credentials' })).toBeVisible();
  await page.getByRole('button', { name: 'New credential' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  const secret = (await page.getByTestId('issued-secret').textContent())!;
  const dialog = page.getByRole('dialog', { name: 'Copy the secret now' });
  const clientId = (await dialog.locator('code').first().textContent())!;
  expect(await tokenStatus(baseURL!, clientId, secret)).toBe(200);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('issued-secret')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(secret);

  const row = page.getByRole('row').filter({ hasText: name });
  await page.reload();
  await expect(row).not.toContainText('Never'); // last used: just now

  await row.getByRole('button', { name: `Rotate secret of ${name}` }).click();
  const rotated = (await page.getByTestId('issued-secret').textContent())!;
  await page.getByRole('button', { name: 'Done' }).click();
  expect(await tokenStatus(baseURL!, clientId, secret)).toBe(401);
  expect(await tokenStatus(baseURL!, clientId, rotated)).toBe(200);

  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await page
    .getByRole('dialog', { name: 'Revoke credential' })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(row).toContainText('Revoked');
  expect(await tokenStatus(baseURL!, clientId, rotated)).toBe(401);
});

test('a member sees people but cannot manage them or credentials', async ({ page, memberApi }) => {
  await presetSession(page, MEMBER, await memberApi.token());
  await page.goto('/settings/people');
  await expect(page.getByRole('table', { name: 'People' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add person' })).toHaveCount(0);
  await page.goto('/settings/credentials');
  const refusal = page.getByRole('alert');
  await expect(refusal).toContainText('Only admins manage machine credentials');
  await expect(refusal).toContainText(`Ask an admin (${ADMIN_PERSON.name})`);
  // A refusal does not change by asking again.
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await screenshotBothSchemes(page, 'credentials-member');
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, {
    path: 'test-results/screenshots/credentials-member-390.png',
    fullPage: true,
  });
});

/**
 * One test a page: an axe scan of a page took 4–12 s of a loaded 2-core machine (load 24), so the
 * four scans in one test passed its 30 s budget (it failed so at 32 s, on its third page).
 */
for (const [path, shot, seed] of [
  ['/settings/people', 'people', 'none'],
  ['/settings/credentials', 'credentials', 'credential'],
  ['/workflows', null, 'pipeline'],
  ['/actions/runs', null, 'pipeline'],
] as const) {
  test(`${path} has no serious accessibility violations${shot ? '; screenshots' : ''}`, async ({
    signedIn: page,
    api,
    baseURL,
  }) => {
    // Two scans (light, dark) of up to ~12 s each on a loaded machine.
    test.slow();
    // What the page lists, so its rows are scanned too (each test its own: a server per worker).
    if (seed === 'credential') {
      const res = await fetch(`${baseURL}/v1/credentials`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await api.token()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'GitHub Actions' }),
      });
      expect(res.ok, await res.text()).toBe(true);
    }
    if (seed === 'pipeline') await seedPipeline(api, unique('Accessible pipeline'));
    await page.goto(path);
    await expect(
      page
        .getByRole('heading', { level: 1 })
        .or(page.getByRole('heading', { level: 2 }))
        .first(),
    ).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page), path).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    expect(await seriousViolations(page), `${path}, dark`).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    if (seed === 'credential') {
      // Every column named, the buttons' one too (axe's empty-table-header, a minor finding).
      await expect(page.getByRole('columnheader', { name: 'Actions' })).toBeAttached();
    }
    if (shot) {
      await screenshotBothSchemes(page, shot);
      await page.setViewportSize({ width: 390, height: 844 });
      await saveScreenshot(page, {
        path: `test-results/screenshots/${shot}-390.png`,
        fullPage: true,
      });
    }
  });
}

test('the sign-in page at 390 px (screenshot)', async ({ page }) => {
  await page.goto('/sign-in');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await saveScreenshot(page, { path: 'test-results/screenshots/sign-in-390.png', fullPage: true });
});
