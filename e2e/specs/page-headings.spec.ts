import { headingProblems } from '../axe';
import { expect, test } from '../fixtures';
import { seedFailedRun, seedPipeline } from '../scenarios';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';

/**
 * Every page has one h1, its title (axe's `page-has-heading-one`, and no second one): a screen
 * reader's "next heading level 1" lands on what the page is. Below it the headings go down one
 * level at a time (axe's `heading-order`): a section's title is an h2, an empty state inside it
 * an h3, whatever size each is drawn at. Each page is scanned once the heading deepest in it
 * (`waitFor`) has shown, so a section mounted late is scanned too. The pages' full axe scans
 * (people, credentials, workflows, action runs, entity, audit log, sign-in) count both rules.
 */
test('every route has exactly one h1, its title, and headings one level at a time', async ({
  signedIn: page,
  api,
}) => {
  test.slow(); // twenty-three pages, two axe rules each
  const actions = new ActionsSeedApi(api);
  const { blueprint, deploy } = await seedServiceCatalog(actions, unique('h').slice(2));
  const entityId = unique('svc');
  await actions.createEntity(blueprint, { identifier: entityId, title: 'Headed' });
  const actionRun = await actions.startActionRun(deploy, { properties: {}, entity: entityId });
  const { workflow, run } = await seedFailedRun(api);
  const other = await seedFailedRun(api, workflow);
  const idle = await seedPipeline(api, 'Idle pipeline');

  const pages: [path: string, title: string | RegExp, waitFor?: string][] = [
    ['/workflows', 'Workflows'],
    [`/workflows/${workflow.identifier}`, workflow.title],
    [`/workflows/${workflow.identifier}?tab=trends`, workflow.title, 'Nodes'],
    [`/workflows/${idle.identifier}`, 'Idle pipeline', 'No runs yet'],
    [`/workflows/${idle.identifier}?tab=trends`, 'Idle pipeline', 'No runs in this range'],
    [`/workflows/${workflow.identifier}?tab=overview`, workflow.title],
    ['/runs', 'Workflow runs'],
    ['/runs?status=IN_PROGRESS&entity=nobody-here', 'Workflow runs', 'No runs match these filters'],
    [`/runs/${run.identifier}`, run.identifier, 'Build image'],
    [`/runs/${run.identifier}?node=deploy&tab=logs`, run.identifier, 'This node did not run'],
    [`/runs/compare?a=${run.identifier}&b=${other.run.identifier}`, 'Compare runs', 'Outputs'],
    ['/runs/compare', 'Compare two runs'],
    ['/actions/runs', 'Action runs'],
    [`/actions/runs/${actionRun.id}`, actionRun.id, 'Entity changes'],
    ['/entities', 'Entities'],
    // A workflow run's entity link, for an entity no blueprint has.
    ['/entities?entity=nobody-here', 'Entities named nobody-here', 'Entity not found'],
    [`/entities/${blueprint}/${entityId}`, 'Headed', 'Activity'],
    [
      `/entities/${blueprint}/${entityId}?kind=workflowRun`,
      'Headed',
      'No activity matches these filters',
    ],
    ['/audit-log', 'Audit log'],
    ['/audit-log?entity=nobody-here', 'Audit log', 'No entries match these filters'],
    ['/settings/people', 'People'],
    ['/settings/credentials', 'Machine credentials'],
    ['/no-such-page', 'Page not found'],
  ];
  for (const [path, title, waitFor] of pages) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: title }), path).toBeVisible();
    if (waitFor) await expect(page.getByRole('heading', { name: waitFor }), path).toBeVisible();
    expect(await headingProblems(page), path).toEqual([]);
  }
});

test('the sign-in page has one h1', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await headingProblems(page)).toEqual([]);
});
