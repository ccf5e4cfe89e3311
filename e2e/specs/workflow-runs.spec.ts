import { MEMBER_PERSON, expect, test } from '../fixtures';
import { seedFailedRun, seedPipeline } from '../scenarios';
import { screenshotBothSchemes } from '../screenshots';
import { unique } from '../seed-api';

test('browses a workflow’s runs from the workflow list and filters them; the URL keeps the filters', async ({
  signedIn: page,
  api,
  memberApi,
  workflowsPage,
  workflowRunsPage: runs,
}) => {
  const workflow = await seedPipeline(api, unique('Filtered deploys'));
  const { run: failed } = await seedFailedRun(api, workflow);
  const adminLive = await api.startRun(workflow.identifier);
  const memberLive = await memberApi.startRun(workflow.identifier, { entity: 'payments' });

  await workflowsPage.goto();
  await screenshotBothSchemes(page, 'workflows');
  await workflowsPage.workflowLink(workflow.title).click();
  await runs.expectRuns([memberLive.identifier, adminLive.identifier, failed.identifier]);
  await expect(runs.row(failed.identifier)).toContainText('Failed');
  await expect(runs.row(memberLive.identifier)).toContainText(MEMBER_PERSON.name);
  // The entity is a link to it, as on the run's page and in the action runs' list.
  await expect(
    runs.row(memberLive.identifier).getByRole('link', { name: 'payments' }),
  ).toHaveAttribute('href', '/entities?entity=payments');
  await screenshotBothSchemes(page, 'workflow-runs');

  await runs.filterByStatus('Failed');
  await expect(page).toHaveURL(/[?&]status=FAILED\b/);
  await runs.expectRuns([failed.identifier]);
  await page.reload();
  await runs.expectRuns([failed.identifier]);
  await expect(runs.status).toHaveValue('Failed');

  await runs.filterByStatus('In progress');
  await runs.filterByStartedBy(MEMBER_PERSON.name);
  await expect(page).toHaveURL(/[?&]createdBy=user_member\b/);
  await expect(page).toHaveURL(/[?&]status=IN_PROGRESS\b/);
  await runs.expectRuns([memberLive.identifier]);
  await page.reload();
  await runs.expectRuns([memberLive.identifier]);
  await expect(runs.startedBy).toHaveValue(new RegExp(MEMBER_PERSON.name));
  await expect(runs.status).toHaveValue('In progress');

  // The Entity filter is a picker of the catalog's entities; a run's entity (here none in the
  // catalog) still shows by its identifier and clears from the keyboard-reachable button.
  await page.goto(`/workflows/${workflow.identifier}?entity=payments`);
  await runs.expectRuns([memberLive.identifier]);
  await expect(runs.entity).toHaveValue('payments');
  await page.getByRole('button', { name: 'Clear Entity' }).click();
  await expect(page).not.toHaveURL(/[?&]entity=/);
  await runs.expectRuns([memberLive.identifier, adminLive.identifier, failed.identifier]);
});

test('pages through many runs with Load more, newest first, without repeating a run', async ({
  signedIn: page,
  api,
  workflowRunsPage: runs,
}) => {
  const workflow = await seedPipeline(api);
  for (let i = 0; i < 55; i += 11) {
    await Promise.all(Array.from({ length: 11 }, () => api.startRun(workflow.identifier)));
  }
  const newestFirst = await api.listRunIds(workflow.identifier);
  expect(newestFirst).toHaveLength(55);

  await runs.goto(workflow.identifier);
  await expect(runs.rows).toHaveCount(50);
  await expect(runs.rows.first()).toContainText(newestFirst[0]!);
  await runs.loadMore.click();
  await runs.expectRuns(newestFirst);
  await expect(runs.loadMore).toBeHidden();
  await expect(page.getByText(newestFirst[54]!)).toBeVisible();
});

test('a run started while the list is open is announced, not inserted', async ({
  signedIn: page,
  api,
  workflowRunsPage: runs,
}) => {
  const workflow = await seedPipeline(api);
  const first = await api.startRun(workflow.identifier);
  await runs.goto(workflow.identifier);
  await runs.expectRuns([first.identifier]);

  const second = await api.startRun(workflow.identifier);
  const banner = page.getByRole('button', { name: /1 new run/ });
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await runs.expectRuns([first.identifier]);
  await banner.click();
  await runs.expectRuns([second.identifier, first.identifier]);
});

test('copies a run id and opens the run from the list', async ({
  signedIn: page,
  api,
  server,
  workflowRunsPage: runs,
  runDetailPage,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: server.baseURL,
  });
  const { workflow, run } = await seedFailedRun(api);
  await runs.goto(workflow.identifier);
  await runs.row(run.identifier).getByRole('button', { name: 'Copy run id' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(run.identifier);
  await runs.openRun(run.identifier);
  await expect(page).toHaveURL(new RegExp(`/runs/${run.identifier}`));
  await runDetailPage.expectLoaded(run.identifier);
});

test('an in-progress row updates by polling when the run finishes', async ({
  signedIn: _page,
  api,
  workflowRunsPage: runs,
}) => {
  const workflow = await seedPipeline(api);
  const run = await api.startRun(workflow.identifier);
  await runs.goto(workflow.identifier);
  await expect(runs.row(run.identifier)).toContainText('In progress');

  for (const node of ['build', 'deploy']) {
    const nodeRun = await api.nodeRun(run.identifier, node);
    await api.patchNodeRun(nodeRun.identifier, { status: 'COMPLETED', result: 'SUCCESS' });
  }
  await expect(runs.row(run.identifier)).toContainText('Succeeded');
});

test('a workflow without runs says so, and so do filters that match nothing', async ({
  signedIn: page,
  api,
  workflowRunsPage: runs,
}) => {
  const workflow = await seedPipeline(api);
  await page.goto(`/workflows/${workflow.identifier}`);
  await expect(page.getByText('No runs yet')).toBeVisible();
  await expect(runs.table).toBeHidden();

  await api.startRun(workflow.identifier);
  await page.goto(`/workflows/${workflow.identifier}?status=FAILED`);
  await expect(page.getByText('No runs match these filters')).toBeVisible();
});
