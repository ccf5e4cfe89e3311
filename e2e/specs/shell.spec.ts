import type { Locator } from '@playwright/test';
import { ADMIN_PERSON, expect, test } from '../fixtures';
import { seedFailedRun } from '../scenarios';
import { ActionsSeedApi } from '../seed-actions';
import { unique } from '../seed-api';

/** Text cut by its box (an ellipsis, or clipped) is wider than the box that shows it. */
const readsInFull = (locator: Locator) =>
  locator.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);

test.describe('on a 390 px phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the burger opens the navigation with Sign out; the theme toggle is in view', async ({
    signedIn: page,
  }) => {
    await page.goto('/workflows');
    await expect(page.getByRole('heading', { name: 'Workflows', exact: true })).toBeVisible();
    const toggle = page.getByRole('button', { name: /^Switch to (dark|light) mode$/ });
    await expect(toggle).toBeInViewport({ ratio: 1 });
    await toggle.click();
    await expect(page.getByRole('button', { name: 'Switch to light mode' })).toBeInViewport({
      ratio: 1,
    });

    const burger = page.getByRole('button', { name: 'Open navigation' });
    await expect(burger).toBeInViewport({ ratio: 1 });
    await burger.click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Action runs' })).toBeInViewport();
    const signOut = nav.getByRole('button', { name: 'Sign out' });
    await expect(signOut).toBeInViewport({ ratio: 1 });

    await nav.getByRole('link', { name: 'Action runs' }).click();
    await expect(page.getByRole('heading', { name: 'Action runs', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Open navigation' })).toBeVisible();

    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Sign out' })
      .click();
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('a run’s status badge and the output toolbar read in full', async ({
    signedIn: page,
    api,
    runDetailPage: detail,
  }) => {
    const { run } = await seedFailedRun(api);
    await detail.goto(run.identifier, '?node=build&tab=output');
    await expect(page.getByRole('heading', { name: run.identifier })).toBeVisible();

    const failed = page.getByText('Failed', { exact: true }).first();
    await expect(failed).toBeVisible();
    expect(await readsInFull(failed)).toBe(true);

    for (const name of ['Expand all', 'Collapse all', 'Raw']) {
      const button = page.getByRole('button', { name, exact: true }).first();
      await expect(button).toBeVisible();
      expect(await readsInFull(button), name).toBe(true);
    }
  });
});

test('the account button’s accessible name begins with the name it shows (label in name)', async ({
  signedIn: page,
}) => {
  await page.goto('/workflows');
  const account = page.getByRole('button', { name: ADMIN_PERSON.name });
  await expect(account).toHaveText(ADMIN_PERSON.name);
  await expect(account).toHaveAccessibleName(`${ADMIN_PERSON.name}, account`);
});

test('an unknown address shows the 404 page inside the app, with its navigation', async ({
  signedIn: page,
}) => {
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Account' })).toBeVisible();
});

test('/entities opens on a blueprint that has entities, not on an empty one', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const suffix = unique('x').slice(2);
  // Blueprints are listed by identifier: the empty one comes first.
  await actions.createBlueprint({ identifier: `a0empty_${suffix}`, title: `Empty ${suffix}` });
  await actions.createBlueprint({ identifier: `a1full_${suffix}`, title: `Full ${suffix}` });
  await actions.createEntity(`a1full_${suffix}`, { identifier: unique('cart'), title: 'Cart' });

  await page.goto('/entities');
  await expect(page.getByRole('combobox', { name: 'Blueprint' })).toHaveValue(`Full ${suffix}`);
  await expect(page.getByRole('link', { name: 'Cart' })).toBeVisible();
});
