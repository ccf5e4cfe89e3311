import type { Page, Request } from '@playwright/test';
import { expect, test } from '../fixtures';
import { StartRunDialog } from '../pages/start-run-dialog';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi } from '../seed-actions';
import { unique, type SeedApi } from '../seed-api';

/**
 * Start forms generated from userInputs refuse what the schema refuses, before anything is sent,
 * and the server refuses the same inputs with 422 naming the input.
 */

const userInputs = (blueprint: string) => ({
  properties: {
    service: {
      type: 'string',
      format: 'entity',
      blueprint,
      title: 'Service',
      description: 'The service to deploy',
    },
    version: { type: 'string', title: 'Version', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    nodes: { type: 'integer', title: 'Nodes', minimum: 1, maximum: 50, default: 3 },
    environment: { type: 'string', title: 'Environment', enum: ['production', 'staging'] },
    regions: {
      type: 'array',
      title: 'Regions',
      items: { type: 'string', enum: ['eu-west-1', 'us-east-1'] },
    },
    dryRun: { type: 'boolean', title: 'Dry run' },
  },
  required: ['service', 'version', 'environment'],
  order: ['service', 'version', 'environment', 'nodes', 'regions', 'dryRun'],
});

async function seedRulesWorkflow(api: SeedApi) {
  const actions = new ActionsSeedApi(api);
  const suffix = unique('r').slice(2).toLowerCase();
  const blueprint = `svc_${suffix}`;
  await actions.createBlueprint({ identifier: blueprint, title: `Service ${suffix}` });
  await actions.createEntity(blueprint, { identifier: 'payments-api', title: 'Payments API' });
  await actions.createEntity(blueprint, { identifier: 'search-service', title: 'Search Service' });
  const workflow = await api.createWorkflow({
    identifier: `rules-${suffix}`,
    title: `Rules ${suffix}`,
    nodes: [
      {
        identifier: 'trigger',
        title: 'Requested',
        config: { type: 'SELF_SERVE_TRIGGER', userInputs: userInputs(blueprint) },
      },
      // No url: the run waits for a backend; these tests only start it.
      { identifier: 'deploy', title: 'Deploy', config: { type: 'WEBHOOK', method: 'POST' } },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'deploy' }],
  });
  return { workflow, blueprint, actions };
}

const isStartRun = (request: Request) =>
  request.method() === 'POST' && /\/v1\/workflows\/[^/]+\/runs$/.test(request.url());

async function openStartForm(page: Page, workflow: { identifier: string; title: string }) {
  await page.goto(`/workflows/${encodeURIComponent(workflow.identifier)}`);
  await expect(page.getByRole('heading', { name: workflow.title })).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = new StartRunDialog(page, `Run ${workflow.title}`);
  await dialog.expectOpen();
  return dialog;
}

async function pickOption(page: Page, dialog: StartRunDialog, label: string, option: string) {
  await dialog.dialog.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

test('the start form refuses each broken rule under its field and sends nothing', async ({
  signedIn: page,
  api,
}) => {
  const { workflow } = await seedRulesWorkflow(api);
  const sent: Request[] = [];
  page.on('request', (request) => {
    if (isStartRun(request)) sent.push(request);
  });
  const dialog = await openStartForm(page, workflow);
  // Descriptions and defaults from the schema; Port's order kept.
  await expect(dialog.dialog.getByText('The service to deploy')).toBeVisible();
  await expect(dialog.field('Nodes')).toHaveValue('3');
  const labels = await dialog.dialog.locator('label').allTextContents();
  expect(labels.map((l) => l.replace(/\s*\*$/, '')).slice(0, 4)).toEqual([
    'Service',
    'Version',
    'Environment',
    'Nodes',
  ]);

  await dialog.field('Version').fill('not-a-version');
  await dialog.field('Nodes').fill('500');
  await dialog.start.click();
  await expect(dialog.dialog.getByText('Version must be a version like 1.2.3')).toBeVisible();
  await expect(dialog.dialog.getByText('Nodes must be <= 50')).toBeVisible();
  await expect(dialog.dialog.getByText('Environment is required')).toBeVisible();
  await expect(dialog.dialog.getByText('Service is required')).toBeVisible();
  // Out of range stays as typed: never clamped behind the person's back.
  await expect(dialog.field('Nodes')).toHaveValue('500');
  await screenshotBothSchemes(page, 'start-run-rules-refused');

  // Enum: only the listed values can be picked; another typed value is not among them.
  const environment = dialog.dialog.getByRole('combobox', { name: 'Environment' });
  await environment.click();
  await expect(page.getByRole('option')).toHaveText(['production', 'staging']);
  await page.keyboard.press('Escape');
  expect(sent).toHaveLength(0);
  expect(await api.listRunIds(workflow.identifier)).toEqual([]);
});

test('the entity picker searches the blueprint’s entities, and a valid form starts the run', async ({
  signedIn: page,
  api,
}) => {
  const { workflow } = await seedRulesWorkflow(api);
  const dialog = await openStartForm(page, workflow);

  const service = dialog.dialog.getByRole('combobox', { name: 'Service' });
  await service.fill('search');
  await expect(page.getByRole('option', { name: 'Search Service (search-service)' })).toBeVisible();
  await expect(page.getByRole('option', { name: /Payments/ })).toHaveCount(0);
  await page.getByRole('option', { name: 'Search Service (search-service)' }).click();
  await expect(service).toHaveValue('Search Service (search-service)');

  await dialog.field('Version').fill('1.2.3');
  await pickOption(page, dialog, 'Environment', 'staging');
  // A multi-select without search: its pills box takes the click.
  await dialog.dialog.getByRole('combobox', { name: 'Regions' }).click({ force: true });
  await page.getByRole('option', { name: 'us-east-1' }).click();
  await page.getByRole('option', { name: 'eu-west-1' }).click();
  await page.keyboard.press('Escape');
  await screenshotBothSchemes(page, 'start-run-rules-filled');
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, {
    path: 'test-results/screenshots/start-run-rules-filled-390.png',
    fullPage: true,
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  await dialog.start.click();
  await expect(page).toHaveURL(/\/runs\/wfr_[^/?]+$/);
  const runId = new URL(page.url()).pathname.split('/').pop() ?? '';
  const run = await api.getRun(runId);
  expect(run.inputs).toEqual({
    service: 'search-service',
    version: '1.2.3',
    environment: 'staging',
    nodes: 3,
    regions: ['us-east-1', 'eu-west-1'],
    dryRun: false,
  });
});

test('the API refuses the same inputs with 422 naming the input', async ({ api }) => {
  const { workflow, actions, blueprint } = await seedRulesWorkflow(api);
  const good = { service: 'payments-api', version: '1.2.3', environment: 'staging' };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...good, version: 'not-a-version' }, 'inputs.version must be a version like 1.2.3'],
    [{ ...good, nodes: 500 }, 'inputs.nodes must be <= 50'],
    [
      { ...good, environment: 'moon' },
      'inputs.environment must be equal to one of the allowed values',
    ],
    [{ service: 'payments-api', version: '1.2.3' }, 'inputs.environment is required'],
    [
      { ...good, service: 'no-such-service' },
      `inputs.service must name an existing entity of blueprint "${blueprint}"; "no-such-service" does not exist`,
    ],
  ];
  for (const [inputs, message] of cases) {
    const res = await actions.request<{ ok: boolean; error: string; message: string }>(
      'POST',
      `/workflows/${workflow.identifier}/runs`,
      { inputs },
    );
    expect(res.status, JSON.stringify(inputs)).toBe(422);
    expect(res.body.ok).toBe(false);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toContain(message);
  }
  expect(await api.listRunIds(workflow.identifier)).toEqual([]);
});

test('a DAY-2 action’s Entity field picks an existing entity, and the run is recorded as started from the UI', async ({
  signedIn: page,
  api,
}) => {
  const { blueprint, actions } = await seedRulesWorkflow(api);
  const action = { identifier: `restart_${blueprint}`, title: `Restart ${blueprint}` };
  await actions.createAction({ ...action, blueprint, trigger: { operation: 'DAY-2' } });
  await page.goto('/actions/runs');
  await page.getByRole('button', { name: 'Run action' }).click();
  const dialog = new StartRunDialog(page, 'Run an action');
  await dialog.dialog.getByRole('combobox', { name: 'Action' }).fill(action.title);
  await page.getByRole('option', { name: action.title }).click();

  const entity = dialog.dialog.getByRole('combobox', { name: 'Entity' });
  await entity.fill('pay');
  await page.getByRole('option', { name: 'Payments API (payments-api)' }).click();
  await dialog.start.click();

  await expect(page).toHaveURL(/\/actions\/runs\/r_[^/?]+$/);
  const runId = new URL(page.url()).pathname.split('/').pop() ?? '';
  const run = await actions.request<{ run: { entity: { identifier: string }; source: string } }>(
    'GET',
    `/actions/runs/${runId}?version=v2`,
  );
  expect(run.body.run.entity.identifier).toBe('payments-api');
  expect(run.body.run.source).toBe('UI');
  // The same action started through the API is recorded as API.
  const byApi = await actions.startActionRun(action.identifier, {
    properties: {},
    entity: 'payments-api',
  });
  expect(byApi.source).toBe('API');
});

test('a required disabled input is shown disabled with its default and never blocks the start', async ({
  signedIn: page,
  api,
}) => {
  const workflow = await api.createWorkflow({
    identifier: unique('locked'),
    title: unique('Locked inputs'),
    nodes: [
      {
        identifier: 'trigger',
        config: {
          type: 'SELF_SERVE_TRIGGER',
          userInputs: {
            properties: {
              name: { type: 'string', title: 'Name' },
              region: { type: 'string', title: 'Region', default: 'eu-west-1', disabled: true },
              ticket: { type: 'string', title: 'Ticket', disabled: true },
            },
            required: ['name', 'region', 'ticket'],
          },
        },
      },
      { identifier: 'deploy', config: { type: 'WEBHOOK', method: 'POST' } },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'deploy' }],
  });
  const dialog = await openStartForm(page, workflow);
  await expect(dialog.field('Region')).toBeDisabled();
  await expect(dialog.field('Region')).toHaveValue('eu-west-1');
  await expect(dialog.field('Ticket')).toBeDisabled();
  await dialog.field('Name').fill('qa');
  await screenshotBothSchemes(page, 'start-run-disabled-inputs');
  await dialog.start.click();
  await expect(page).toHaveURL(/\/runs\/wfr_[^/?]+$/);
  const runId = new URL(page.url()).pathname.split('/').pop() ?? '';
  // Port leaves disabled inputs out of the submitted data.
  expect((await api.getRun(runId)).inputs).toEqual({ name: 'qa' });
});
