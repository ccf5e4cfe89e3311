import type { Page } from '@playwright/test';
import { CSRF_HEADER } from '../../contract/auth';
import { ADMIN, ADMIN_PERSON, MEMBER, expect, presetSession, test } from '../fixtures';
import { seriousViolations } from '../axe';
import { sidewaysScroll } from '../layout';
import { seedPipeline } from '../scenarios';
import { saveScreenshot, screenshotAtWidths, screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique, type SeedApi } from '../seed-api';

/**
 * The Audit log page (Port's): who did what to which run, entity, person or credential, with the
 * endpoint's filters in the URL, each entry's diff as text, and the Runs tab one link away.
 */

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

async function seedChanges(api: SeedApi) {
  const actions = new ActionsSeedApi(api);
  const { blueprint, deploy } = await seedServiceCatalog(actions, unique('a').slice(2));
  const entityId = unique('ledger');
  await actions.createEntity(blueprint, {
    identifier: entityId,
    title: 'Ledger',
    properties: { version: '1.0.0' },
  });
  const actionRun = await actions.startActionRun(deploy, { properties: {}, entity: entityId });
  await actions.patchEntity(
    blueprint,
    entityId,
    { properties: { version: HOSTILE } },
    actionRun.id,
  );
  const workflow = await seedPipeline(api, unique('Audited pipeline'));
  const workflowRun = await api.startRun(workflow.identifier, {});
  return { blueprint, entityId, actionRun, deploy, workflow, workflowRun };
}

const table = (page: Page) => page.getByRole('table', { name: 'Audit log' });

test('lists who changed what with links, filters by the endpoint’s filters, shows a diff as text', async ({
  signedIn: page,
  api,
}) => {
  const { blueprint, entityId, actionRun, deploy, workflow, workflowRun } = await seedChanges(api);
  await page.goto('/audit-log');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Audit log' }).first()).toHaveAttribute(
    'aria-current',
    'page',
  );

  // Other tests write entries at the same time: each check below reads this test's own entries
  // through a filter, so none is pushed off the first page.
  await page.goto(`/audit-log?blueprint=${blueprint}`);
  // The entity change: by name, tied to its run, its diff as text (the markup never rendered).
  const entityRow = table(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: `${blueprint}/${entityId}` }) })
    .filter({ hasText: 'UPDATE' });
  await expect(entityRow).toContainText(ADMIN_PERSON.name);
  await expect(entityRow).toContainText('Entity');
  await expect(entityRow).toContainText('API');
  await expect(entityRow).toContainText('Succeeded');
  await expect(entityRow.getByRole('link', { name: actionRun.id })).toHaveAttribute(
    'href',
    `/actions/runs/${actionRun.id}`,
  );
  // …by the action the run ran (recorded with the entry), as "by <action> · run <id>".
  await expect(entityRow).toContainText(
    new RegExp(`by Deploy service( \\(${deploy}\\))?\\s*· run\\s*${actionRun.id}`),
  );
  await expect(entityRow.getByRole('link', { name: 'Deploy service' })).toHaveAttribute(
    'href',
    `/actions/runs?action=${deploy}`,
  );
  const show = entityRow.getByRole('button', { name: 'Show' });
  await show.click();
  await expect(entityRow.getByRole('button', { name: 'Hide' })).toHaveAttribute(
    'aria-expanded',
    'true',
  );
  const changes = page.getByRole('table', { name: 'Changes' });
  await expect(changes).toContainText('properties.version');
  await expect(changes).toContainText('1.0.0');
  await expect(changes).toContainText(HOSTILE);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

  // The action run's start reads "<action> · run <id>", as a workflow run's does: the id links to
  // the run, the action's title to the runs of that action.
  await page.goto(`/audit-log?run=${actionRun.id}&action=CREATE`);
  const startRow = table(page).getByRole('row').filter({ hasText: 'Deploy service' });
  await expect(startRow).toContainText('CREATE');
  // (Other tests' catalogs have actions of the same title: then the label adds the identifier.)
  await expect(startRow).toContainText(
    new RegExp(`Deploy service( \\(${deploy}\\))?\\s*· run\\s*${actionRun.id}`),
  );
  await expect(startRow.getByRole('link', { name: actionRun.id })).toHaveAttribute(
    'href',
    `/actions/runs/${actionRun.id}`,
  );
  await expect(startRow.getByRole('link', { name: 'Deploy service' })).toHaveAttribute(
    'href',
    `/actions/runs?action=${deploy}`,
  );

  // Filters go to the URL and to the endpoint.
  await page.goto('/audit-log');
  await page.getByRole('textbox', { name: 'Run', exact: true }).fill(workflowRun.identifier);
  await expect(page).toHaveURL(new RegExp(`run=${workflowRun.identifier}`));
  await expect(table(page).getByRole('row')).toHaveCount(2); // header + the start
  await expect(table(page)).toContainText('CREATE');
  // The workflow run's start reads "<workflow> · run <id>": the id links to the run page, the
  // workflow's name (recorded with the entry) to the workflow's page.
  const runLink = table(page).getByRole('link', { name: workflowRun.identifier });
  await expect(runLink).toHaveAttribute('href', `/runs/${workflowRun.identifier}`);
  const subject = table(page)
    .getByRole('cell')
    .filter({ has: page.getByRole('link', { name: workflowRun.identifier }) });
  await expect(subject).toHaveText(
    new RegExp(`^${workflow.title}\\s*· run\\s*${workflowRun.identifier}$`),
  );
  await expect(subject.getByRole('link', { name: workflow.title! })).toHaveAttribute(
    'href',
    `/workflows/${workflow.identifier}`,
  );
  expect(await seriousViolations(page)).toEqual([]);
  await screenshotBothSchemes(page, 'audit-log-workflow-run');
  await screenshotAtWidths(page, 'audit-log-workflow-run', [390]);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.goto(`/audit-log?blueprint=${blueprint}`);
  await page.getByRole('combobox', { name: 'Resource' }).click();
  await page.getByRole('option', { name: 'Entity' }).click();
  await expect(page).toHaveURL(/resource=entity/);
  await expect(table(page)).not.toContainText(workflowRun.identifier);
  await expect(table(page).getByRole('link', { name: `${blueprint}/${entityId}` })).toHaveCount(2);

  // Empty: nothing matches.
  await page.getByRole('textbox', { name: 'Entity', exact: true }).fill('nobody-here');
  await expect(page.getByText('No entries match these filters')).toBeVisible();

  // Error: a range the wrong way round is the server's 422, said on the page.
  await page.goto('/audit-log?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
  await expect(page.getByRole('alert')).toContainText('swap');

  // The Runs tab: the action runs list.
  await page.getByRole('link', { name: 'Action runs (Runs tab)' }).click();
  await expect(page.getByRole('heading', { name: 'Action runs', level: 1 })).toBeVisible();

  // The entity link opens the entity.
  await page.goto(`/audit-log?entity=${entityId}&action=CREATE`);
  await table(page)
    .getByRole('link', { name: `${blueprint}/${entityId}` })
    .click();
  await expect(page.getByRole('heading', { name: 'Ledger', level: 1 })).toBeVisible();
});

test('an entity change made by a workflow run names the run’s workflow, linked to its page', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint } = await seedServiceCatalog(actions, unique('w').slice(2));
  const entityId = unique('tied');
  await actions.createEntity(blueprint, { identifier: entityId, title: 'Tied', properties: {} });
  const workflow = await seedPipeline(api, unique('Entity-changing pipeline'));
  const run = await api.startRun(workflow.identifier, {});
  await actions.patchEntity(
    blueprint,
    entityId,
    { properties: { version: '2.0.0' } },
    run.identifier,
  );

  await page.goto(`/audit-log?resource=entity&run=${run.identifier}`);
  const row = table(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: `${blueprint}/${entityId}` }) });
  await expect(row).toContainText(new RegExp(`by ${workflow.title}\\s*· run ${run.identifier}`));
  await expect(row.getByRole('link', { name: workflow.title! })).toHaveAttribute(
    'href',
    `/workflows/${workflow.identifier}`,
  );
  await expect(row.getByRole('link', { name: run.identifier })).toHaveAttribute(
    'href',
    `/runs/${run.identifier}`,
  );
});

test('a deleted workflow’s entries name it without a dead link; its run still opens and says so', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint } = await seedServiceCatalog(actions, unique('d').slice(2));
  const entityId = unique('orphan');
  await actions.createEntity(blueprint, { identifier: entityId, title: 'Orphan', properties: {} });
  const workflow = await seedPipeline(api, unique('Retired pipeline'));
  const title = workflow.title!;
  const run = await api.startRun(workflow.identifier, {});
  await actions.patchEntity(
    blueprint,
    entityId,
    { properties: { version: '3.0.0' } },
    run.identifier,
  );
  await api.deleteWorkflow(workflow.identifier);
  const toWorkflow = page.locator(`a[href="/workflows/${workflow.identifier}"]`);

  await page.goto(`/audit-log?run=${run.identifier}`);
  // The run's start: "<title> (deleted) · run <id>", the name plain text, the id still a link.
  const start = table(page).getByRole('row').filter({ hasText: 'CREATE' });
  await expect(start).toContainText(
    new RegExp(`${title} \\(deleted\\)\\s*· run\\s*${run.identifier}`),
  );
  await expect(start.getByRole('link', { name: run.identifier })).toHaveAttribute(
    'href',
    `/runs/${run.identifier}`,
  );
  // The entity change it made: "by <title> (deleted) · run <id>".
  const change = table(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: `${blueprint}/${entityId}` }) });
  await expect(change).toContainText(
    new RegExp(`by ${title} \\(deleted\\)\\s*· run ${run.identifier}`),
  );
  await expect(toWorkflow).toHaveCount(0);
  // The tooltip says what happened.
  await start.getByText(title).hover();
  await expect(page.getByRole('tooltip')).toHaveText(
    `Workflow ${workflow.identifier} has been deleted. Its runs are kept and still open.`,
  );
  expect(await seriousViolations(page)).toEqual([]);
  await page.mouse.move(0, 0);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await screenshotBothSchemes(page, 'audit-log-deleted-workflow');
  await screenshotAtWidths(page, 'audit-log-deleted-workflow', [390]);

  // The run opens, and its header says the workflow is gone instead of linking to "not found".
  await start.getByRole('link', { name: run.identifier }).click();
  await expect(page.getByRole('heading', { name: run.identifier, level: 1 })).toBeVisible();
  await expect(page.getByText(`${title} (deleted)`)).toBeVisible();
  await expect(toWorkflow).toHaveCount(0);
  await screenshotBothSchemes(page, 'run-of-deleted-workflow');

  // The runs list names the workflow the same way.
  await page.goto(`/runs?workflow=${workflow.identifier}`);
  const row = page
    .getByRole('table', { name: 'Workflow runs' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: run.identifier }) });
  await expect(row).toContainText(`${title} (deleted)`);
  await expect(toWorkflow).toHaveCount(0);
});

test('pages by the endpoint’s cursor: 50 entries, then Load more', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const suffix = unique('p').slice(2);
  const { blueprint } = await seedServiceCatalog(actions, suffix);
  const entityId = unique('paged');
  await actions.createEntity(blueprint, { identifier: entityId, properties: { version: '0' } });
  for (let i = 1; i <= 55; i++) {
    await actions.patchEntity(blueprint, entityId, { properties: { version: String(i) } });
  }
  await page.goto(`/audit-log?entity=${entityId}`);
  const rows = table(page).getByRole('row');
  await expect(rows).toHaveCount(51); // the header and the first page
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(57); // all 56: the create and 55 updates
  await expect(table(page)).toContainText('CREATE');
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
});

test('announces new entries instead of pushing them under the reader', async ({
  signedIn: page,
  api,
}) => {
  const actions = new ActionsSeedApi(api);
  const { blueprint } = await seedServiceCatalog(actions, unique('n').slice(2));
  const entityId = unique('watched');
  await actions.createEntity(blueprint, { identifier: entityId, properties: { version: '1' } });
  await page.goto(`/audit-log?entity=${entityId}`);
  const rows = table(page).getByRole('row');
  await expect(rows).toHaveCount(2);
  await actions.patchEntity(blueprint, entityId, { properties: { version: '2' } });
  await actions.patchEntity(blueprint, entityId, { properties: { version: '3' } });
  const banner = page.getByRole('button', { name: '2 new events — show' });
  await expect(banner).toBeVisible({ timeout: 20_000 });
  await expect(rows).toHaveCount(2);
  await banner.click();
  await expect(rows).toHaveCount(4);
});

test('sign-ins are for admins: a member’s audit log has none, an admin’s names the refusal', async ({
  page,
  api,
  memberApi,
  baseURL,
}) => {
  const refused = await fetch(`${baseURL}/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1', origin: baseURL! },
    body: JSON.stringify({ email: ADMIN_PERSON.email, password: 'not-the-password' }),
  });
  expect(refused.status).toBe(401);

  await presetSession(page, MEMBER, await memberApi.token());
  await page.goto('/audit-log?resource=session');
  await expect(page.getByText('No entries match these filters')).toBeVisible();

  await presetSession(page, ADMIN, await api.token());
  await page.goto('/audit-log?resource=session&status=FAILURE');
  // Other tests sign in too: this refusal's row is the admin's, named by name.
  const row = table(page)
    .getByRole('row')
    .filter({ hasText: 'Failed' })
    .filter({ hasText: ADMIN_PERSON.name })
    .first();
  await expect(row).toContainText('Sign-in');
});

test('the audit log passes axe in light and dark with a diff open; screenshots at 390 px', async ({
  signedIn: page,
  api,
}) => {
  test.slow(); // two axe scans
  await seedChanges(api);
  await page.goto('/audit-log?resource=entity');
  await table(page).getByRole('button', { name: 'Show' }).first().click();
  await expect(page.getByRole('table', { name: 'Changes' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  expect(await seriousViolations(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  await screenshotBothSchemes(page, 'audit-log');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await saveScreenshot(page, {
    path: 'test-results/screenshots/audit-log-390.png',
    fullPage: true,
  });
});

test.describe('on a 390 px phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('each entry is a card that reads without scrolling sideways; its links and diff work', async ({
    signedIn: page,
    api,
  }) => {
    const { blueprint, entityId, actionRun } = await seedChanges(api);
    await page.goto(`/audit-log?blueprint=${blueprint}`);
    const entry = table(page)
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: `${blueprint}/${entityId}` }) })
      .filter({ hasText: 'UPDATE' });
    await expect(entry).toContainText(ADMIN_PERSON.name);
    await expect(entry).toContainText('Succeeded');
    expect(await sidewaysScroll(page)).toEqual([]);

    // The diff opens inside the card, its fields stacked too.
    await entry.getByRole('button', { name: 'Show' }).click();
    await expect(entry.getByRole('button', { name: 'Hide' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    const changes = page.getByRole('table', { name: 'Changes' });
    await expect(changes).toContainText('properties.version');
    await expect(changes).toContainText(HOSTILE);
    expect(await sidewaysScroll(page)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotBothSchemes(page, 'audit-log-390-diff');

    // The tied run's link and the subject's link both lead on.
    await expect(entry.getByRole('link', { name: actionRun.id })).toHaveAttribute(
      'href',
      `/actions/runs/${actionRun.id}`,
    );
    await entry.getByRole('link', { name: `${blueprint}/${entityId}` }).click();
    await expect(page.getByRole('heading', { name: 'Ledger', level: 1 })).toBeVisible();
  });
});
