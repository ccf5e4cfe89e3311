import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../../server/db/client';
import { sweepRetention } from '../../server/services/retention';
import { expect, test } from '../fixtures';
import { seriousViolations } from '../axe';
import { seedPipeline } from '../scenarios';
import { saveScreenshot, screenshotAtWidths, screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique, type SeedApi } from '../seed-api';

/**
 * Runs and workflows that are gone: a run retention deleted is still named by the audit entries
 * that outlive it, but not linked to a page that would say "not found"; a run of a deleted
 * workflow cannot be re-run.
 */

// Runs are kept 30 days: the spec moves a finished run back 40 and sweeps as the server does.
test.use({ serverEnv: { RETENTION_DAYS: '30' } });

const DAY = 86_400_000;

/** The worker's embedded PostgreSQL (its port from postmaster.pid, its password file). */
function serverDatabase(dataDir: string) {
  const pid = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  const password = readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  return openPostgres(
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pid[3]!.trim()}/runboard`,
  );
}

/** Moves a finished workflow run and its audit entries 40 days back, then sweeps until it is gone. */
async function expire(dataDir: string, api: SeedApi, run: string) {
  const database = await serverDatabase(dataDir);
  try {
    const at = new Date(Date.now() - 40 * DAY).toISOString();
    await database.db.execute(
      sql`UPDATE workflow_runs SET created_at = ${at}, completed_at = ${at} WHERE identifier = ${run}`,
    );
    await database.db.execute(sql`UPDATE audit_log SET at = ${at} WHERE run_id = ${run}`);
    // The server's own sweep may hold the lock a moment (then this one skips): sweep until gone.
    await expect
      .poll(async () => {
        await sweepRetention(database.db, new Date(), { days: 30 });
        return api.getRun(run).then(
          () => 'kept',
          (err: Error) => (/answered 404/.test(err.message) ? 'gone' : err.message),
        );
      })
      .toBe('gone');
  } finally {
    await database.close();
  }
}

const auditTable = (page: Page) => page.getByRole('table', { name: 'Audit log' });

test('a run retention deleted is named in the audit log and the entity’s activity, not linked', async ({
  signedIn: page,
  api,
  server,
}) => {
  test.slow(); // a sweep, two pages, an axe scan
  const actions = new ActionsSeedApi(api);
  const { blueprint } = await seedServiceCatalog(actions, unique('g').slice(2));
  const entityId = unique('svc');
  await actions.createEntity(blueprint, { identifier: entityId, title: 'Svc', properties: {} });
  const workflow = await seedPipeline(api, unique('Nightly job'));
  const title = workflow.title!;
  const run = await api.startRun(workflow.identifier, {});
  await actions.patchEntity(
    blueprint,
    entityId,
    { properties: { version: '2.0.0' } },
    run.identifier,
  );
  const build = await api.nodeRun(run.identifier, 'build');
  await api.patchNodeRun(build.identifier, { status: 'COMPLETED', result: 'FAILED' });
  await expire(server.dataDir, api, run.identifier);
  const toRun = page.locator(`a[href="/runs/${run.identifier}"]`);
  const hint = `Run ${run.identifier} was removed by retention 30 days after it finished. What it did stays in the audit log.`;

  await page.goto(`/audit-log?run=${run.identifier}`);
  // The run's start: "<workflow> · run <id> (deleted)", the workflow still linked, the id not.
  const start = auditTable(page).getByRole('row').filter({ hasText: 'CREATE' });
  await expect(start).toContainText(
    new RegExp(`${title}\\s*· run\\s*${run.identifier} \\(deleted\\)`),
  );
  await expect(start.getByRole('link', { name: title })).toHaveAttribute(
    'href',
    `/workflows/${workflow.identifier}`,
  );
  // The entity change it made: "by <workflow> · run <id> (deleted)".
  const change = auditTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: `${blueprint}/${entityId}` }) });
  await expect(change).toContainText(
    new RegExp(`by ${title} · run ${run.identifier} \\(deleted\\)`),
  );
  await expect(toRun).toHaveCount(0);
  // The tooltip says why.
  await start.getByText(run.identifier).hover();
  await expect(page.getByRole('tooltip')).toHaveText(hint);
  await saveScreenshot(page, {
    path: 'test-results/screenshots/audit-log-deleted-run-tooltip.png',
  });
  expect(await seriousViolations(page)).toEqual([]);
  await page.mouse.move(0, 0);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await screenshotBothSchemes(page, 'audit-log-deleted-run');
  await screenshotAtWidths(page, 'audit-log-deleted-run', [1280, 390]);

  // The entity's activity: the change names its run, "run <id> (deleted)" instead of "Open run".
  await page.goto(`/entities/${blueprint}/${entityId}`);
  const feed = page.getByRole('table', { name: 'Activity' });
  const updated = feed.getByRole('row').filter({ hasText: 'Updated entity' });
  await expect(updated).toContainText(`Updated entity by run ${title}`);
  await expect(updated).toContainText(`run ${run.identifier} (deleted)`);
  await expect(updated.getByRole('link', { name: 'Open run' })).toHaveCount(0);
  await expect(toRun).toHaveCount(0);
  await updated.getByText(run.identifier).hover();
  await expect(page.getByRole('tooltip')).toHaveText(hint);
  await page.mouse.move(0, 0);
  await screenshotBothSchemes(page, 'entity-activity-deleted-run');
  await screenshotAtWidths(page, 'entity-activity-deleted-run', [390]);
});

test('a run of a deleted workflow cannot be re-run: the buttons say why, the API refuses', async ({
  signedIn: page,
  api,
}) => {
  const workflow = await seedPipeline(api, unique('Retired pipeline'));
  const run = await api.startRun(workflow.identifier, {});
  const build = await api.nodeRun(run.identifier, 'build');
  await api.patchNodeRun(build.identifier, { status: 'COMPLETED', result: 'FAILED' });
  await api.deleteWorkflow(workflow.identifier);
  const why = `Workflow ${workflow.identifier} has been deleted; its runs stay readable but cannot be re-run.`;

  await page.goto(`/runs/${run.identifier}?node=build`);
  await expect(page.getByText(`${workflow.title} (deleted)`)).toBeVisible();
  const rerun = page.getByRole('button', { name: 'Re-run', exact: true });
  await expect(rerun).toHaveAttribute('aria-disabled', 'true');
  // A click (forced: Playwright itself holds an aria-disabled button not clickable) opens nothing.
  await rerun.click({ force: true });
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await rerun.hover();
  await expect(page.getByRole('tooltip')).toHaveText(why);
  await saveScreenshot(page, {
    path: 'test-results/screenshots/rerun-deleted-workflow-tooltip.png',
  });
  await expect(rerun).toHaveAccessibleDescription(why);
  // The whole page, the graph's React Flow attribution link included (its own #999 on white
  // failed color-contrast until WorkflowGraph.module.css gave it the scheme's colours).
  expect(await seriousViolations(page)).toEqual([]);
  await page.mouse.move(0, 0);
  const fromHere = page.getByRole('button', { name: 'Re-run from here' });
  await expect(fromHere).toHaveAttribute('aria-disabled', 'true');
  await fromHere.hover();
  await expect(page.getByRole('tooltip')).toHaveText(why);
  await page.mouse.move(0, 0);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await screenshotBothSchemes(page, 'rerun-deleted-workflow');
  await screenshotAtWidths(page, 'rerun-deleted-workflow', [1280, 390]);

  // And the API itself refuses, with what to do.
  const direct = await new ActionsSeedApi(api).request<{ ok: boolean; error: string }>(
    'POST',
    `/workflows/runs/${run.identifier}/rerun`,
    {},
  );
  expect(direct).toEqual({
    status: 409,
    body: {
      ok: false,
      error: 'workflow_deleted',
      message: `Workflow "${workflow.identifier}" has been deleted; its runs stay readable but cannot be re-run (run "${run.identifier}")`,
    },
  });
});

test('a re-run whose original retention deleted names it on its page, not linked', async ({
  signedIn: page,
  api,
  server,
}) => {
  const workflow = await seedPipeline(api, unique('Flaky job'));
  const original = await api.startRun(workflow.identifier, {});
  const build = await api.nodeRun(original.identifier, 'build');
  await api.patchNodeRun(build.identifier, { status: 'COMPLETED', result: 'FAILED' });
  const rerun = await new ActionsSeedApi(api).request<{ workflowRun: { identifier: string } }>(
    'POST',
    `/workflows/runs/${original.identifier}/rerun`,
    {},
  );
  expect(rerun.status).toBe(201);
  const copy = rerun.body.workflowRun.identifier;
  const reRunOf = page.getByText('Re-run of').locator('..');
  const toOriginal = page.locator(`a[href="/runs/${original.identifier}"]`);

  // While the original exists, "Re-run of" links to it.
  await page.goto(`/runs/${copy}`);
  await expect(toOriginal).toBeVisible();
  await expect(page.getByRole('link', { name: 'Compare with the original' })).toBeVisible();

  await expire(server.dataDir, api, original.identifier);
  await page.reload();
  await expect(reRunOf).toContainText(`${original.identifier} (deleted)`);
  await expect(toOriginal).toHaveCount(0);
  // Nothing to compare with any more: the button says so instead of opening a broken comparison.
  await expect(page.getByRole('button', { name: 'Compare with the original' })).toBeDisabled();
  await expect(page.locator('a[href^="/runs/compare"]')).toHaveCount(0);
  await reRunOf.getByText(original.identifier, { exact: true }).hover();
  await expect(page.getByRole('tooltip')).toHaveText(
    `Run ${original.identifier} no longer exists. What it did stays in the audit log.`,
  );
  await saveScreenshot(page, { path: 'test-results/screenshots/rerun-of-deleted-tooltip.png' });
  await page.mouse.move(0, 0);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await screenshotBothSchemes(page, 'rerun-of-deleted');
  await screenshotAtWidths(page, 'rerun-of-deleted', [390]);
});
