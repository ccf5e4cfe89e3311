import { ADMIN_PERSON, USER_IDS, expect, test } from '../fixtures';
import { seriousViolations } from '../axe';
import { EntityPage } from '../pages/entity-page';
import { seedPipeline } from '../scenarios';
import { screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';

test('the entity page shows the workflow run, the action run and the changes concerning it, newest first', async ({
  signedIn: page,
  api,
  runDetailPage,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint, deploy } = await seedServiceCatalog(actions, unique('x').slice(2));
  const entityId = unique('checkout');
  await actions.createEntity(blueprint, {
    identifier: entityId,
    title: 'Checkout',
    properties: { version: '1.0.0' },
  });

  const workflow = await seedPipeline(api, unique('Deploy checkout'));
  const workflowRun = await api.startRun(workflow.identifier, { entity: entityId });
  const build = await api.nodeRun(workflowRun.identifier, 'build');
  await api.patchNodeRun(build.identifier, {
    logs: [
      { logLevel: 'WARN', log: 'cache miss' },
      { logLevel: 'ERROR', log: 'compile failed' },
    ],
  });
  await api.patchNodeRun(build.identifier, { status: 'COMPLETED', result: 'FAILED' });

  const actionRun = await actions.startActionRun(deploy, { properties: {}, entity: entityId });
  await actions.postLog(actionRun.id, { message: 'disk almost full', level: 'WARN' });
  await actions.patchEntity(
    blueprint,
    entityId,
    { properties: { version: '1.1.0' } },
    actionRun.id,
  );

  const entityPage = new EntityPage(page);
  await page.goto(`/entities?blueprint=${blueprint}`);
  const list = page.getByRole('table', { name: 'Entities' });
  await expect(list.getByRole('link', { name: 'Checkout' })).toBeVisible();
  // Who changed it last, by name as everywhere else (the list showed the user id).
  const listed = list.getByRole('row').filter({ hasText: entityId });
  await expect(listed).toContainText(ADMIN_PERSON.name);
  await expect(listed).not.toContainText(USER_IDS.admin);
  await page.getByRole('textbox', { name: 'Search' }).fill('no-such-entity');
  await expect(page.getByText('No entities match this search')).toBeVisible();
  await page.getByRole('textbox', { name: 'Search' }).fill('check');
  await screenshotBothSchemes(page, 'entities');
  await list.getByRole('link', { name: 'Checkout' }).click();

  await expect(page.getByRole('heading', { name: 'Checkout', level: 1 })).toBeVisible();
  // Its blueprint by title, linking to that blueprint's entities.
  await expect(
    page.getByRole('link', { name: `Service ${blueprint.slice('service_'.length)}` }),
  ).toHaveAttribute('href', `/entities?blueprint=${blueprint}`);
  await expect
    .poll(() => entityPage.kinds())
    .toEqual(['Entity change', 'Action run', 'Workflow run', 'Entity change']);
  const [update, run, wfRun, created] = [0, 1, 2, 3].map((i) => entityPage.rows.nth(i));
  // The action run's own row (the change it made names it too).
  const actionRunRow = entityPage.rows.filter({
    has: page.getByRole('img', { name: 'Action run' }),
  });
  // The run that made the change by its action's name, not its id (Port's feed names the action).
  await expect(update!).toContainText('Updated entity by run Deploy service');
  await expect(update!).not.toContainText(actionRun.id);
  await expect(run!).toContainText('Deploy service');
  await expect(run!).toContainText('In progress');
  await expect(run!).toContainText('1 WARN');
  await expect(wfRun!).toContainText('Failed');
  await expect(wfRun!).toContainText('1 ERROR');
  await expect(wfRun!).toContainText('1 WARN');
  await expect(created!).toContainText('Created entity');

  await update!.getByRole('button', { name: /Updated entity/ }).click();
  const diff = entityPage.feed.getByRole('table', { name: 'Changes' });
  await expect(diff).toContainText('properties.version');
  await expect(diff).toContainText('1.0.0');
  await expect(diff).toContainText('1.1.0');
  await screenshotBothSchemes(page, 'entity');

  // The in-progress action run finishes: the feed polls and shows it.
  await actions.postLog(actionRun.id, { message: 'done', terminationStatus: 'SUCCESS' });
  await expect(actionRunRow).toContainText('Succeeded');

  // The server filters (a page of the feed is full of what was asked for, not a filtered page).
  const filteredRequest = page.waitForRequest(/\/activity\?(.*&)?type=actionRun\b/);
  await entityPage.filterByKind('Action runs');
  await filteredRequest;
  await expect(page).toHaveURL(/[?&]kind=actionRun\b/);
  await expect.poll(() => entityPage.kinds()).toEqual(['Action run']);
  await page.reload();
  await expect.poll(() => entityPage.kinds()).toEqual(['Action run']);

  await page.goto(`/entities/${blueprint}/${entityId}?status=failed`);
  await expect.poll(() => entityPage.kinds()).toEqual(['Workflow run']);
  await entityPage.rows.first().click();
  await expect(page).toHaveURL(new RegExp(`/runs/${workflowRun.identifier}`));

  // And back: the workflow run's entity links to the entity page.
  await runDetailPage.page.getByRole('link', { name: entityId }).click();
  await expect(page.getByRole('heading', { name: 'Checkout', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/entities/${blueprint}/${entityId}`));
});

test('the entity page has no serious accessibility violations, light and dark', async ({
  signedIn: page,
  api,
}) => {
  test.slow(); // two axe scans (light, dark)
  const actions = new ActionsSeedApi(api);
  const { blueprint, deploy } = await seedServiceCatalog(actions, unique('x').slice(2));
  const entityId = unique('svc');
  // String properties (the inspector's colours) and a run with a change (the feed's rows).
  await actions.createEntity(blueprint, {
    identifier: entityId,
    title: 'Accessible',
    properties: { version: '1.0.0' },
  });
  const run = await actions.startActionRun(deploy, { properties: {}, entity: entityId });
  await actions.patchEntity(blueprint, entityId, { properties: { version: '1.1.0' } }, run.id);
  await page.goto(`/entities/${blueprint}/${entityId}`);
  await expect(page.getByText('Updated entity by run Deploy service')).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page)).toEqual([]);
  // The dark scheme too: its dimmed text (dates, ids, hints) was 4.0:1 on the page.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  expect(await seriousViolations(page)).toEqual([]);
});

test('an unknown entity shows the 404 page', async ({ signedIn: page, api }) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint } = await seedServiceCatalog(actions, unique('x').slice(2));
  await page.goto(`/entities/${blueprint}/nobody-here`);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
