import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { ActionRunPage } from '../pages/action-runs-page';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi } from '../seed-actions';
import { SeedApi, unique } from '../seed-api';

// The server seeds the organization (machine) credentials with their defaults: an agent's.
const MACHINE = { clientId: 'runboard-machine', clientSecret: 'runboard-machine-secret' };
const CLAIM = { limit: 10, visibilityTimeoutMs: 600_000 };

// A claim shows at the page's next poll (up to 10 s once polls come back unchanged), and each
// test takes six screenshots: more than the default 30 s on a loaded machine.
test.slow();

async function screenshot390(page: Page, name: string, visible: () => Promise<void>) {
  await page.setViewportSize({ width: 390, height: 844 });
  await visible();
  await saveScreenshot(page, {
    path: path.resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots', name),
    fullPage: true,
  });
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('a node run waiting on an agent says so, then names the agent that claimed it and until when', async ({
  signedIn: page,
  api,
  baseURL,
  runDetailPage: detail,
}) => {
  const installationId = unique('ocean');
  const workflow = await api.createWorkflow({
    identifier: unique('agent-wf'),
    title: 'Pipeline by an agent',
    nodes: [
      { identifier: 'trigger', title: 'Trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      {
        identifier: 'pipeline',
        title: 'Run pipeline',
        config: {
          type: 'INTEGRATION_ACTION',
          installationId,
          integrationProvider: 'gitlab',
          integrationInvocationType: 'trigger_pipeline',
          integrationActionExecutionProperties: { project: 'acme/api' },
        },
      },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'pipeline' }],
  });
  const run = await api.startRun(workflow.identifier);
  await detail.goto(run.identifier, '?node=pipeline');
  await detail.expectLoaded(run.identifier);

  const waiting = page.getByRole('status', { name: 'Agent' });
  await expect(waiting).toHaveText(
    `Waiting for an agent to claim it (installation ${installationId})`,
  );
  await screenshotBothSchemes(page, 'agent-node-waiting');

  const agent = new ActionsSeedApi(new SeedApi(baseURL!, MACHINE));
  const claimed = await agent.request<{ nodeRuns: { identifier: string }[] }>(
    'POST',
    '/workflows/runs/claim-pending',
    { installationId, ...CLAIM },
  );
  expect(claimed.status).toBe(200);
  expect(claimed.body.nodeRuns.map((n) => n.identifier)).toHaveLength(1);

  // The page polls the run; the claim shows without a reload.
  await expect(waiting).toHaveText(
    new RegExp(`^Claimed by the ${installationId} agent until \\d\\d:\\d\\d:\\d\\d$`),
    { timeout: 20_000 },
  );
  await screenshotBothSchemes(page, 'agent-node-claimed');
  await screenshot390(page, 'agent-node-claimed-390.png', () => expect(waiting).toBeVisible());
});

test('an action run waiting on an agent says so, then names the agent that claimed it', async ({
  signedIn: page,
  api,
  baseURL,
}) => {
  const installationId = unique('ocean');
  const actions = new ActionsSeedApi(api);
  const blueprint = unique('repo');
  await actions.createBlueprint({ identifier: blueprint, title: 'Repository' });
  await actions.createAction({
    identifier: `${installationId}-dispatch`,
    title: 'Dispatch workflow',
    blueprint,
    trigger: { operation: 'CREATE', userInputs: { properties: {} } },
    invocationMethod: {
      type: 'INTEGRATION_ACTION',
      installationId,
      integrationActionType: 'dispatch_workflow',
      integrationActionExecutionProperties: { workflow: 'deploy.yml' },
    },
  });
  const run = await actions.startActionRun(`${installationId}-dispatch`, { properties: {} });
  const detail = new ActionRunPage(page);
  await detail.goto(run.id);

  const line = page.getByRole('status', { name: 'Agent' });
  await expect(line).toHaveText(
    `Waiting for an agent to claim it (installation ${installationId})`,
  );
  await screenshotBothSchemes(page, 'agent-action-waiting');

  const agent = new ActionsSeedApi(new SeedApi(baseURL!, MACHINE));
  const claimed = await agent.request<{ runs: { id: string }[] }>(
    'POST',
    '/actions/runs/claim-pending',
    { installationId, ...CLAIM },
  );
  expect(claimed.body.runs.map((r) => r.id)).toEqual([run.id]);
  await expect(line).toHaveText(
    new RegExp(`^Claimed by the ${installationId} agent until \\d\\d:\\d\\d:\\d\\d$`),
    { timeout: 20_000 },
  );
  await screenshotBothSchemes(page, 'agent-action-claimed');
  await screenshot390(page, 'agent-action-claimed-390.png', () => expect(line).toBeVisible());

  const ack = await agent.request('PATCH', '/actions/runs/ack', { runId: run.id });
  expect(ack.status).toBe(200);
  await expect(line).toHaveText(`Taken by the ${installationId} agent; waiting for it to report`, {
    timeout: 20_000,
  });
});
