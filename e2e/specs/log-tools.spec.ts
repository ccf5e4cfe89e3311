import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from '@playwright/test';
import type { LogLevel } from '../../contract/workflows';
import { expect, test } from '../fixtures';
import { seedLiveRun } from '../scenarios';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import type { SeedApi } from '../seed-api';

const ESC = '\u001b';
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) if (line) n++;
  return n;
}

/** Appends `total` lines to a node run, 10 000 per request (the API's largest batch). */
async function seedLines(api: SeedApi, nodeRun: string, total: number) {
  for (let start = 0; start < total; start += 10_000) {
    await api.appendLogs(
      nodeRun,
      Array.from({ length: Math.min(10_000, total - start) }, (_, i) => {
        const n = start + i + 1;
        const level: LogLevel = n % 100 === 0 ? 'ERROR' : 'INFO';
        return { level, message: `step ${n} done` };
      }),
    );
  }
}

async function download(page: Page, item: string) {
  const started = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  await page.getByRole('menuitem', { name: item }).click();
  const file = await started;
  return { name: file.suggestedFilename(), lines: await countLines(await file.path()) };
}

test('downloads a 200 000-line log with the right line count, all or filtered, and copies 10 000 of it', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  test.setTimeout(240_000);
  const { run, deploy } = await seedLiveRun(api);
  // seedLiveRun wrote 2 lines; 199 998 more make 200 000.
  await seedLines(api, deploy.identifier, 199_998);
  await detail.goto(run.identifier, '?node=deploy');
  await expect(detail.logs.levelChip('INFO')).toHaveAccessibleName('INFO 198001');

  const all = await download(page, 'All lines');
  expect(all).toEqual({ name: `${deploy.identifier}.log`, lines: 200_000 });

  await detail.logs.showOnly('ERROR');
  const errors = await download(page, 'Lines matching the levels and search');
  expect(errors).toEqual({ name: `${deploy.identifier}-filtered.log`, lines: 1_999 });

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(page.url()).origin,
  });
  await detail.logs.levelChip('ERROR').click();
  await page.getByRole('button', { name: 'Copy logs' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toHaveText(
    'Copied 10,000 of 200,000 lines — download for all',
  );
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const lines = copied.split('\n');
  expect(lines).toHaveLength(10_000);
  expect(lines[0]).toMatch(/^1 {2}\S+ {2}INFO {2}Rolling out 3 replicas$/);
  expect(lines[9_999]).toMatch(/^10000 {2}\S+ {2}INFO {2}step 9998 done$/);
});

test('colour codes render as colours, and "Only matching" shows the server’s matching lines', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  // Screenshots in two schemes and two widths on a shared 2-core machine take their time.
  test.setTimeout(120_000);
  const { run, deploy } = await seedLiveRun(api);
  await api.appendLogs(deploy.identifier, [
    { level: 'INFO', message: `${ESC}[32m✔${ESC}[0m unit tests ${ESC}[2m(412 passed)${ESC}[0m` },
    { level: 'ERROR', message: `${ESC}[1;31mFAIL${ESC}[0m e2e/checkout.spec.ts` },
    { level: 'WARN', message: `${ESC}[33mwarning${ESC}[0m: ${ESC}[4mdeprecated${ESC}[0m API` },
    { level: 'INFO', message: `${ESC}[38;5;208mretrying${ESC}[0m e2e/checkout.spec.ts (2 of 3)` },
    { level: 'ERROR', message: `${ESC}[41;97m FAIL ${ESC}[0m e2e/cart.spec.ts` },
    { level: 'INFO', message: 'Replica 2 of 3 ready' },
  ]);
  await detail.goto(run.identifier, '?node=deploy');
  const fail = detail.logs.line('FAIL e2e/checkout.spec.ts');
  await expect(fail).toBeVisible();
  // No escape garbage: the row's text is what a terminal shows.
  await expect(detail.logs.region).not.toContainText('[31m');
  await expect(detail.logs.region).not.toContainText('\u001b');
  const red = fail.getByText('FAIL', { exact: true });
  const plain = fail.getByText('e2e/checkout.spec.ts');
  const colorOf = (el: typeof red) => el.evaluate((e) => getComputedStyle(e).color);
  expect(await colorOf(red)).not.toBe(await colorOf(plain));
  expect(await red.evaluate((e) => getComputedStyle(e).fontWeight)).toBe('700');

  await detail.logs.search.fill('checkout.spec');
  await expect(detail.logs.matchCounter).toHaveText('1 of 2');
  await page.getByRole('button', { name: 'Only matching' }).click();
  await expect(page).toHaveURL(/[?&]grep=true\b/);
  await expect(detail.logs.lines).toHaveCount(2);
  await expect(detail.logs.lines.nth(0).getByRole('button', { name: 'Line 4' })).toBeVisible();
  await expect(detail.logs.lines.nth(1).getByRole('button', { name: 'Line 6' })).toBeVisible();
  await expect(detail.logs.lines.nth(1)).toContainText('retrying e2e/checkout.spec.ts (2 of 3)');
  await screenshotBothSchemes(page, 'log-viewer-ansi-grep');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(detail.logs.lines).toHaveCount(2);
  await saveScreenshot(page, {
    path: path.join(SHOTS, 'log-viewer-ansi-grep-390.png'),
    fullPage: true,
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.reload();
  await expect(detail.logs.lines).toHaveCount(2);
  await page.getByRole('button', { name: 'Only matching' }).click();
  await expect(page).not.toHaveURL(/[?&]grep=/);
  await expect(detail.logs.lines).toHaveCount(8);
  await detail.logs.search.fill('');
  await expect(detail.logs.matchCounter).toBeHidden();
  await screenshotBothSchemes(page, 'log-viewer-ansi');
});

test('searches as you type, and counts a common term in steps: "1 of ≥ N" until every line is counted', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  test.setTimeout(120_000);
  const { run, deploy } = await seedLiveRun(api);
  await seedLines(api, deploy.identifier, 70_000);
  await detail.goto(run.identifier, '?node=deploy');
  await expect(detail.logs.line('step 70000 done')).toBeVisible();

  // Typed key by key: each key searches (the one before is aborted), and the box keeps every key.
  await detail.logs.search.pressSequentially('step 7', { delay: 40 });
  await expect(detail.logs.search).toHaveValue('step 7');
  await expect(page).toHaveURL(/[?&]q=step(\+|%20)7\b/);
  // "step 7", "step 70"…"step 79", … "step 7000"…"step 7999", "step 70000".
  await expect(detail.logs.matchCounter).toHaveText('1 of 1112');

  // Every seeded line holds "p " ("step"): the count's first step (65 536 lines) shows as "at
  // least" while the next step is held back. (A term without a word of 3 characters has no index:
  // it is counted by reading the lines. A whole word is counted from the chunks' word counts at
  // once, below, and so, since session 18, is one word with separators around it, " done".)
  let release = () => undefined as void;
  let held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/logs\?.*upTo=/, async (route) => {
    if (new URL(route.request().url()).searchParams.get('cursor') !== '0') await held;
    await route.continue();
  });
  await detail.logs.search.fill('p ');
  // Lines 1 and 2 are the run's own ("Rolling out 3 replicas", "Replica 1 of 3 ready").
  const partial = page.getByText('1 of ≥ 65,534');
  await expect(partial).toBeVisible();
  await expect(detail.logs.line('step 1 done')).toBeVisible();
  await screenshotBothSchemes(page, 'log-viewer-count-in-steps');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(partial).toBeVisible();
  await saveScreenshot(page, {
    path: path.join(SHOTS, 'log-viewer-count-in-steps-390.png'),
    fullPage: true,
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  release();
  await expect(detail.logs.matchCounter).toHaveText('1 of 70000');
  // The whole word "done" is counted to the end by the first step from the sealed chunks' word
  // counts: no second step is needed. The server's sealer takes a pass every few seconds; a count
  // that says when the lines are sealed is asked at another level and from cursor 1 (a count the
  // server keeps only from the start, so this one leaves nothing the viewer's could reuse).
  await expect
    .poll(
      async () =>
        (await api.logPage(deploy.identifier, 'q=done&level=ERROR&total=only&cursor=1&upTo=2'))
          .nextCursor,
      { timeout: 20_000 },
    )
    .toBeNull();
  held = new Promise<void>(() => undefined);
  await detail.logs.search.fill('');
  await expect(detail.logs.matchCounter).toBeHidden();
  await detail.logs.search.fill('done');
  await expect(detail.logs.matchCounter).toHaveText('1 of 70000');
  await page.unroute(/\/logs\?.*upTo=/);
});
