import type { Page, Request } from '@playwright/test';
import { expect, test } from '../fixtures';
import { EntityPage } from '../pages/entity-page';
import { StartRunDialog } from '../pages/start-run-dialog';
import { ActionsSeedApi } from '../seed-actions';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { unique, type SeedApi } from '../seed-api';

/**
 * A workflow whose webhooks go to the echo backend the server under test hosts: a synchronized
 * call answered at once, then an asynchronous one whose backend reports back a moment later.
 */
function seedEchoWorkflow(api: SeedApi, baseURL: string) {
  const identifier = unique('echo');
  return api.createWorkflow({
    identifier,
    title: `Echo ${identifier}`,
    nodes: [
      {
        identifier: 'trigger',
        title: 'Message sent',
        config: {
          type: 'SELF_SERVE_TRIGGER',
          userInputs: {
            properties: {
              message: { type: 'string', title: 'Message', description: 'What to echo' },
              repeat: { type: 'integer', title: 'Repeat', default: 2 },
              loud: { type: 'boolean', title: 'Loud' },
            },
            required: ['message'],
          },
        },
      },
      {
        identifier: 'echo',
        title: 'Echo now',
        config: {
          type: 'WEBHOOK',
          url: `${baseURL}/demo-backend/echo`,
          method: 'POST',
          synchronized: true,
          body: {
            message: '{{ .inputs.message }}',
            repeat: '{{ .inputs.repeat }}',
            loud: '{{ .inputs.loud }}',
          },
        },
      },
      {
        identifier: 'callback',
        title: 'Echo later',
        config: {
          type: 'WEBHOOK',
          url: `${baseURL}/demo-backend/async`,
          method: 'POST',
          synchronized: false,
          body: { message: '{{ .outputs.echo.echo.message }}' },
        },
      },
    ],
    connections: [
      { sourceIdentifier: 'trigger', targetIdentifier: 'echo' },
      { sourceIdentifier: 'echo', targetIdentifier: 'callback' },
    ],
  });
}

async function openWorkflow(page: Page, title: string, identifier: string) {
  await page.goto(`/workflows/${encodeURIComponent(identifier)}`);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
}

const isStartRun = (request: Request) =>
  request.method() === 'POST' && /\/v1\/workflows\/[^/]+\/runs$/.test(request.url());

test('starts a workflow from its page with the generated form and follows the run until it succeeds', async ({
  signedIn: page,
  api,
  baseURL,
  runDetailPage: detail,
}) => {
  const workflow = await seedEchoWorkflow(api, baseURL ?? '');
  await openWorkflow(page, workflow.title, workflow.identifier);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = new StartRunDialog(page, `Run ${workflow.title}`);
  await dialog.expectOpen();
  await expect(dialog.field('Repeat')).toHaveValue('2');
  await dialog.field('Message').fill('hello from the dashboard');
  const loud = dialog.dialog.getByRole('switch', { name: 'Loud' });
  await loud.focus();
  await page.keyboard.press('Space');
  await expect(loud).toBeChecked();
  await screenshotBothSchemes(page, 'start-run-form');

  await dialog.start.click();
  await expect(page).toHaveURL(/\/runs\/wfr_[^/?]+$/);
  const runIdentifier = new URL(page.url()).pathname.split('/').pop() ?? '';
  await detail.expectLoaded(runIdentifier);
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await expect(detail.node('Echo now')).toContainText('Succeeded');
  await expect(detail.node('Echo later')).toContainText('Succeeded', { timeout: 20_000 });
  // The run's badge sits beside its id in the header.
  const header = page.getByRole('heading', { name: runIdentifier }).locator('xpath=..');
  await expect(header).toContainText('Succeeded');
  const run = await api.getRun(runIdentifier);
  expect(run).toMatchObject({
    status: 'COMPLETED',
    result: 'SUCCESS',
    inputs: { message: 'hello from the dashboard', repeat: 2, loud: true },
  });
  expect(run.nodeRuns.every((n) => n.status === 'COMPLETED' && n.result === 'SUCCESS')).toBe(true);
  await screenshotBothSchemes(page, 'start-run-finished');
});

test('the Entity field of a workflow run picks among the catalog’s entities of any blueprint; the run shows on its page', async ({
  signedIn: page,
  api,
  baseURL,
}) => {
  const catalog = new ActionsSeedApi(api);
  const blueprint = unique('service').replace('-', '_');
  await catalog.createBlueprint({ identifier: blueprint, title: 'Service', schema: {} });
  const identifier = unique('payments-api');
  await catalog.createEntity(blueprint, { identifier, title: 'Payments API' });
  const workflow = await seedEchoWorkflow(api, baseURL ?? '');
  await openWorkflow(page, workflow.title, workflow.identifier);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = new StartRunDialog(page, `Run ${workflow.title}`);
  await dialog.field('Message').fill('ship it');
  const entity = dialog.dialog.getByRole('combobox', { name: 'Entity' });
  await entity.fill('no-such-entity');
  await expect(page.getByText('No entity matches')).toBeVisible();
  // By its title or identifier as a person types them, in any case.
  const option = page.getByRole('option', { name: `Payments API (${identifier}) · ${blueprint}` });
  for (const typed of ['Payments', 'payments', 'payments api', 'PAYMENTS API', 'Payments-Api']) {
    // From an empty list, so the option is this text's answer, not the last one's kept on screen.
    await entity.fill('no-such-entity');
    await expect(page.getByText('No entity matches')).toBeVisible();
    await entity.fill(typed);
    await expect(option, typed).toBeVisible();
  }
  await screenshotBothSchemes(page, 'start-run-entity-picker');
  await page.setViewportSize({ width: 390, height: 844 });
  await entity.fill('Payments');
  await expect(option).toBeVisible();
  await saveScreenshot(page, { path: 'test-results/screenshots/start-run-entity-picker-390.png' });
  await option.click();
  await dialog.start.click();

  await expect(page).toHaveURL(/\/runs\/wfr_[^/?]+$/);
  const runIdentifier = new URL(page.url()).pathname.split('/').pop() ?? '';
  expect((await api.getRun(runIdentifier)).entity).toBe(identifier);
  await page.goto(`/entities/${blueprint}/${identifier}`);
  await expect.poll(() => new EntityPage(page).kinds()).toContain('Workflow run');
});

test('does not send a run whose required input is empty, and says which field is missing', async ({
  signedIn: page,
  api,
  baseURL,
}) => {
  const workflow = await seedEchoWorkflow(api, baseURL ?? '');
  await openWorkflow(page, workflow.title, workflow.identifier);
  const sent: Request[] = [];
  page.on('request', (request) => {
    if (isStartRun(request)) sent.push(request);
  });

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = new StartRunDialog(page, `Run ${workflow.title}`);
  await dialog.field('Repeat').fill('');
  await dialog.start.click();

  await expect(dialog.dialog.getByText('Message is required')).toBeVisible();
  await expect(dialog.field('Message')).toHaveAttribute('aria-invalid', 'true');
  await screenshotBothSchemes(page, 'start-run-required');
  expect(sent).toHaveLength(0);
  expect(await api.listRunIds(workflow.identifier)).toEqual([]);

  await dialog.field('Message').fill('now it is there');
  await expect(dialog.dialog.getByText('Message is required')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog.dialog).toHaveCount(0);
  expect(sent).toHaveLength(0);
});

/** A blueprint with a CREATE action sent to the async echo backend and a DAY-2 action with no inputs schema. */
async function seedEchoActions(api: SeedApi, baseURL: string) {
  const actions = new ActionsSeedApi(api);
  const suffix = unique('x').slice(2);
  const blueprint = `echo_${suffix}`;
  await actions.createBlueprint({ identifier: blueprint, title: `Echo ${suffix}` });
  const send = { identifier: `send_${suffix}`, title: `Send echo ${suffix}` };
  await actions.createAction({
    ...send,
    blueprint,
    trigger: {
      operation: 'CREATE',
      userInputs: { properties: { message: { type: 'string', title: 'Message' } } },
    },
    invocationMethod: {
      type: 'WEBHOOK',
      url: `${baseURL}/demo-backend/async`,
      synchronized: false,
    },
  });
  const touch = { identifier: `touch_${suffix}`, title: `Touch echo ${suffix}` };
  await actions.createAction({ ...touch, blueprint, trigger: { operation: 'DAY-2' } });
  return { send, touch, blueprint };
}

async function pickAction(page: Page, title: string) {
  const dialog = new StartRunDialog(page, 'Run an action');
  await dialog.expectOpen();
  await dialog.dialog.getByRole('combobox', { name: 'Action' }).fill(title);
  await page.getByRole('option', { name: title }).click();
  return dialog;
}

test('starts an action from the action runs page and follows its run until the backend reports success', async ({
  signedIn: page,
  api,
  baseURL,
}) => {
  const { send } = await seedEchoActions(api, baseURL ?? '');
  await page.goto('/actions/runs');
  await page.getByRole('button', { name: 'Run action' }).click();
  const dialog = await pickAction(page, send.title);
  await dialog.field('Message').fill('hello action');
  await dialog.start.click();

  await expect(page).toHaveURL(/\/actions\/runs\/r_[^/?]+$/);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByText('Succeeded').first()).toBeVisible({ timeout: 15_000 });
  const runId = new URL(page.url()).pathname.split('/').pop() ?? '';
  const run = await new ActionsSeedApi(api).request<{
    run: { status: string; properties: object };
  }>('GET', `/actions/runs/${runId}?version=v2`);
  expect(run.body.run).toMatchObject({
    status: 'SUCCESS',
    properties: { message: 'hello action' },
  });
});

test('an action without an inputs schema takes a JSON object and needs an entity; the server’s refusal is shown', async ({
  signedIn: page,
  api,
  baseURL,
}) => {
  const { touch, blueprint } = await seedEchoActions(api, baseURL ?? '');
  await new ActionsSeedApi(api).createEntity(blueprint, { identifier: 'doomed', title: 'Doomed' });
  await page.goto('/actions/runs');
  await page.getByRole('button', { name: 'Run action' }).click();
  const dialog = await pickAction(page, touch.title);
  const json = dialog.field('Inputs (JSON)');

  await json.fill('[1, 2]');
  await dialog.start.click();
  await expect(dialog.dialog.getByText('The inputs must be an object')).toBeVisible();
  await expect(dialog.dialog.getByText('Entity is required for this action')).toBeVisible();

  await json.fill('{"reason": ');
  await dialog.start.click();
  await expect(dialog.dialog.getByText(/^Not valid JSON: /)).toBeVisible();

  await json.fill('{"reason": "manual"}');
  // The Entity field picks among the blueprint's entities: what does not exist is not offered.
  const entity = dialog.dialog.getByRole('combobox', { name: 'Entity' });
  await entity.fill('no-such-entity');
  await expect(page.getByText('No entity matches')).toBeVisible();
  await entity.fill('doomed');
  await page.getByRole('option', { name: 'Doomed (doomed)' }).click();
  // Deleted after it was picked: the server refuses, and says why.
  await new ActionsSeedApi(api).request('DELETE', `/blueprints/${blueprint}/entities/doomed`);
  await dialog.start.click();
  await expect(dialog.dialog.getByRole('alert')).toContainText('"doomed"');
  await expect(dialog.dialog.getByRole('alert')).toContainText('was not found');
  await screenshotBothSchemes(page, 'start-action-run-refused');
  await expect(page).toHaveURL(/\/actions\/runs$/);
});
