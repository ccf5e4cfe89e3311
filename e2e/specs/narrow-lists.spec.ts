import { expect, test } from '../fixtures';
import { seriousViolations } from '../axe';
import { labelsOverNothing, missingTableRoles, sidewaysScroll } from '../layout';
import { seedFailedRun } from '../scenarios';
import { screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';

test.use({ viewport: { width: 390, height: 844 } });

/**
 * On a phone every list shows its rows as cards (ListTable): none of its cells lies past the
 * screen's edge, so a person reads the whole row without scrolling it sideways, no field's
 * label stands over nothing (an entity change has no problems), and the cards are still a table
 * to a screen reader (explicit ARIA table roles, which WebKit needs once the display changes;
 * axe finds nothing).
 */
test('every list page reads without scrolling sideways at 390 px', async ({
  signedIn: page,
  api,
}) => {
  test.slow(); // nine pages, an axe scan each
  const actions = new ActionsSeedApi(api);
  const { blueprint, deploy } = await seedServiceCatalog(actions, unique('n').slice(2));
  const entityId = unique('svc');
  await actions.createEntity(blueprint, { identifier: entityId, title: 'Narrow' });
  await actions.startActionRun(deploy, { properties: {}, entity: entityId });
  await actions.patchEntity(blueprint, entityId, { properties: { version: '2.0.0' } });
  const { workflow } = await seedFailedRun(api);

  const lists: [string, string, string][] = [
    ['/workflows', 'Workflows', 'workflows'],
    [`/workflows/${workflow.identifier}`, 'Workflow runs', 'workflow-runs-tab'],
    ['/runs', 'Workflow runs', 'runs'],
    ['/actions/runs', 'Action runs', 'action-runs'],
    [`/entities?blueprint=${blueprint}`, 'Entities', 'entities'],
    [`/entities/${blueprint}/${entityId}`, 'Activity', 'entity'],
    ['/audit-log', 'Audit log', 'audit-log'],
    ['/settings/people', 'People', 'people'],
    ['/settings/credentials', 'Machine credentials', 'credentials'],
  ];
  for (const [path, table, name] of lists) {
    await page.goto(path);
    await expect(
      page.getByRole('table', { name: table }).getByRole('row').nth(1),
      path,
    ).toBeVisible();
    expect(await sidewaysScroll(page), path).toEqual([]);
    expect(await labelsOverNothing(page), path).toEqual([]);
    // The cards keep their table semantics in every browser: explicit roles, and axe content.
    expect(await missingTableRoles(page, table), path).toEqual([]);
    expect(await seriousViolations(page), path).toEqual([]);
    await screenshotBothSchemes(page, `list-390-${name}`);
  }
});

/**
 * A card's field labels are drawn with `content: attr(data-label) / ''` (kept out of the
 * accessibility tree), which Safari before 17.4 and Firefox before 128 — inside the build's
 * targets — drop whole: the stylesheet as served must keep the plain declaration before it, so
 * they still draw the labels. Chromium keeps only the last in the CSSOM: the served text is read.
 */
test('the card labels have a fallback for browsers without alt text in content', async ({
  signedIn: page,
}) => {
  await page.goto('/workflows');
  await expect(page.getByRole('heading', { name: 'Workflows', level: 1 })).toBeVisible();
  const sheets = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => l.href),
  );
  const texts = await Promise.all(
    sheets.map(async (href) => (await page.request.get(href)).text()),
  );
  const rule = texts
    .flatMap((css) => css.match(/td\[data-label\]:{1,2}before\s*\{[^}]*\}/g) ?? [])
    .at(0);
  expect(rule, sheets.join(', ')).toBeDefined();
  expect(rule).toMatch(
    /content:\s*attr\(data-label\)\s*;\s*content:\s*attr\(data-label\)\s*\/\s*(""|'')/,
  );
});
