import type { Locator, Page } from '@playwright/test';
import { CSRF_HEADER } from '../../contract/auth';
import { ADMIN_PERSON, expect, test } from '../fixtures';
import { seedFailedRun } from '../scenarios';
import { ActionsSeedApi } from '../seed-actions';
import { unique, type SeedApi } from '../seed-api';
import { screenshotBothSchemes } from '../screenshots';

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

const NAV_LINKS = ['Workflows', 'Runs', 'Action runs', 'Audit log', 'Entities'];

/** A signed-in admin whose name is longer than the account button shows (200 px). */
async function signInWithLongName(page: Page, api: SeedApi, baseURL: string) {
  const email = `${unique('long')}@runboard.dev`;
  const password = 'a long name’s password';
  const invited = await fetch(`${baseURL}/v1/users/invite`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await api.token()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      invitee: {
        email,
        roles: ['Admin'],
        firstName: 'Maximiliana Konstantina',
        lastName: 'Wolfeschlegelsteinhausen-Bergerdorff',
      },
      password,
    }),
  });
  expect(invited.ok, await invited.text()).toBe(true);
  const signedIn = await page.context().request.post('/v1/auth/sign-in', {
    headers: { [CSRF_HEADER]: '1', origin: baseURL },
    data: { email, password },
  });
  expect(signedIn.ok(), await signedIn.text()).toBe(true);
}

/** Each control of the header that lies past its box (none: the header holds at this width). */
const outsideHeader = (page: Page) =>
  page.locator('header').evaluate((header) => {
    const box = header.getBoundingClientRect();
    const found: string[] = [];
    if (header.scrollWidth > header.clientWidth) {
      found.push(`its content is ${header.scrollWidth} px wide in ${header.clientWidth} px`);
    }
    for (const el of header.querySelectorAll('a, button, input, nav')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue; // not shown at this width
      if (r.left < box.left || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) {
        const name = el.getAttribute('aria-label') ?? el.textContent ?? el.tagName;
        found.push(`"${name}" at ${Math.round(r.left)}–${Math.round(r.right)} px`);
      }
    }
    return found;
  });

for (const width of [768, 1024, 1200]) {
  test(`at ${width} px the header holds a long name and every link is reachable`, async ({
    page,
    api,
    baseURL,
  }) => {
    await signInWithLongName(page, api, baseURL!);
    await page.setViewportSize({ width, height: 800 });
    await page.goto('/workflows');
    await expect(page.getByRole('heading', { name: 'Workflows', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Switch to (dark|light) mode$/ })).toBeVisible();
    expect(await outsideHeader(page)).toEqual([]);

    const burger = page.getByRole('button', { name: 'Open navigation' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    if (width < 1200) {
      // The links do not fit beside the account: they are behind the burger, all in view.
      await expect(nav.getByRole('link', { name: 'Workflows' })).toBeHidden();
      await burger.click();
      for (const name of NAV_LINKS) {
        await expect(nav.getByRole('link', { name, exact: true })).toBeInViewport();
      }
      await expect(nav.getByRole('button', { name: 'Sign out' })).toBeInViewport();
    } else {
      await expect(burger).toBeHidden();
      for (const name of NAV_LINKS) {
        await expect(nav.getByRole('link', { name, exact: true })).toBeInViewport({ ratio: 1 });
      }
      await expect(page.getByRole('button', { name: /^Maximiliana/ })).toBeInViewport({
        ratio: 1,
      });
    }
    await screenshotBothSchemes(page, `header-${width}`);
    await nav.getByRole('link', { name: 'Audit log', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
    expect(await outsideHeader(page)).toEqual([]);
  });
}
