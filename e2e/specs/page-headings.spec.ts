import { headingOneProblems } from '../axe';
import { expect, test } from '../fixtures';
import { seedFailedRun } from '../scenarios';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';

/**
 * Every page has one h1, its title (axe's `page-has-heading-one`, and no second one): a screen
 * reader's "next heading level 1" lands on what the page is. The pages' full axe scans (people,
 * credentials, workflows, action runs, entity, audit log, sign-in) count it too.
 */
test('every route has exactly one h1, its title', async ({ signedIn: page, api }) => {
  test.slow(); // fourteen pages, one axe rule each
  const actions = new ActionsSeedApi(api);
  const { blueprint, deploy } = await seedServiceCatalog(actions, unique('h').slice(2));
  const entityId = unique('svc');
  await actions.createEntity(blueprint, { identifier: entityId, title: 'Headed' });
  const actionRun = await actions.startActionRun(deploy, { properties: {}, entity: entityId });
  const { workflow, run } = await seedFailedRun(api);
  const other = await seedFailedRun(api, workflow);

  const pages: [string, string | RegExp][] = [
    ['/workflows', 'Workflows'],
    [`/workflows/${workflow.identifier}`, workflow.title],
    [`/workflows/${workflow.identifier}?tab=trends`, workflow.title],
    [`/workflows/${workflow.identifier}?tab=overview`, workflow.title],
    ['/runs', 'Workflow runs'],
    [`/runs/${run.identifier}`, run.identifier],
    [`/runs/compare?a=${run.identifier}&b=${other.run.identifier}`, 'Compare runs'],
    ['/runs/compare', 'Compare two runs'],
    ['/actions/runs', 'Action runs'],
    [`/actions/runs/${actionRun.id}`, actionRun.id],
    ['/entities', 'Entities'],
    [`/entities/${blueprint}/${entityId}`, 'Headed'],
    ['/audit-log', 'Audit log'],
    ['/settings/people', 'People'],
    ['/settings/credentials', 'Machine credentials'],
    ['/no-such-page', 'Page not found'],
  ];
  for (const [path, title] of pages) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: title }), path).toBeVisible();
    expect(await headingOneProblems(page), path).toEqual([]);
  }
});

test('the sign-in page has one h1', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await headingOneProblems(page)).toEqual([]);
});
