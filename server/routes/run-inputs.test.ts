import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';

/** Starting a run checks its inputs against the definition's userInputs (JSON Schema, ajv). */

let t: TestServer;

const userInputs = {
  properties: {
    version: { type: 'string', title: 'Version', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    nodes: { type: 'number', minimum: 1, maximum: 50 },
    name: { type: 'string', minLength: 3, maxLength: 10 },
    environment: { type: 'string', enum: ['production', 'staging'] },
    service: { type: 'string', format: 'entity', blueprint: 'svc' },
    services: { type: 'array', items: { type: 'string', format: 'entity', blueprint: 'svc' } },
    when: { type: 'string', format: 'date-time' },
    dryRun: { type: 'boolean' },
  },
  required: ['version', 'environment'],
};
const good = { version: '1.2.3', environment: 'staging' };

beforeAll(async () => {
  t = await startTestServer();
  await t.api('admin', 'POST', '/blueprints', { identifier: 'svc', title: 'Service' });
  await t.api('admin', 'POST', '/blueprints/svc/entities', {
    identifier: 'orders',
    title: 'Orders',
  });
  await t.api('admin', 'POST', '/blueprints', { identifier: 'other', title: 'Other' });
  await t.api('admin', 'POST', '/blueprints/other/entities', {
    identifier: 'ghost',
    title: 'Ghost',
  });
  const wf = await t.api('admin', 'POST', '/workflows', {
    identifier: 'deploy',
    title: 'Deploy',
    nodes: [{ identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER', userInputs } }],
    connections: [],
  });
  expect(wf.status).toBe(201);
  const action = await t.api('admin', 'POST', '/actions', {
    identifier: 'deploy',
    title: 'Deploy',
    blueprint: 'svc',
    trigger: { operation: 'CREATE', userInputs },
  });
  expect(action.status).toBe(201);
});
afterAll(async () => t.close());

const startWorkflowRun = (inputs: Record<string, unknown>) =>
  t.api('member', 'POST', '/workflows/deploy/runs', { inputs });
const startActionRun = (properties: Record<string, unknown>) =>
  t.api('member', 'POST', '/actions/deploy/runs', { properties });

const refusals: [rule: string, inputs: Record<string, unknown>, message: string][] = [
  ['pattern', { version: 'not-a-version' }, 'version must be a version like 1.2.3'],
  ['maximum', { nodes: 500 }, 'nodes must be <= 50'],
  ['minimum', { nodes: 0 }, 'nodes must be >= 1'],
  ['minLength', { name: 'ab' }, 'name must NOT have fewer than 3 characters'],
  ['maxLength', { name: 'abcdefghijk' }, 'name must NOT have more than 10 characters'],
  [
    'enum',
    { environment: 'moon' },
    'environment must be equal to one of the allowed values: "production", "staging"',
  ],
  ['type', { nodes: 'many' }, 'nodes must be number'],
  ['date-time format', { when: 'tomorrow' }, 'when must match format "date-time"'],
  ['boolean', { dryRun: 'yes' }, 'dryRun must be boolean'],
  ['array items', { services: ['orders', 7] }, 'services.1 must be string'],
];

describe('a workflow run with inputs that break the trigger’s userInputs', () => {
  it.each(refusals)('is refused with 422 naming the input (%s)', async (_rule, bad, message) => {
    const res = await startWorkflowRun({ ...good, ...bad });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ ok: false, error: 'invalid_request', message: `inputs.${message}` });
  });

  it('is refused when a required input is missing', async () => {
    const res = await startWorkflowRun({ version: '1.2.3' });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('inputs.environment is required');
  });

  it('names every broken input at once', async () => {
    const res = await startWorkflowRun({ version: 'x', environment: 'staging', nodes: 99 });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('inputs.version must be a version like 1.2.3');
    expect(res.body.message).toContain('inputs.nodes must be <= 50');
  });

  it('is refused when an entity input names no entity of its blueprint', async () => {
    const missing = await startWorkflowRun({ ...good, service: 'nope' });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ ok: false, error: 'invalid_request' });
    expect(missing.body.message).toBe(
      'inputs.service must name an existing entity of blueprint "svc"; "nope" does not exist',
    );
    // An entity of another blueprint is not one of this input's.
    const otherBlueprint = await startWorkflowRun({ ...good, services: ['orders', 'ghost'] });
    expect(otherBlueprint.status).toBe(422);
    expect(otherBlueprint.body.message).toContain('"ghost" does not exist');
  });

  it('starts no run when refused', async () => {
    await startWorkflowRun({ ...good, nodes: 500 });
    const list = await t.api('admin', 'GET', '/workflows/runs?workflowIdentifiers=deploy');
    expect(
      list.body.workflowRuns.every((r: { inputs: { nodes?: number } }) => r.inputs.nodes !== 500),
    ).toBe(true);
  });

  it('starts when the inputs conform, entities included, and keeps undeclared inputs', async () => {
    const res = await startWorkflowRun({
      ...good,
      nodes: 50,
      service: 'orders',
      services: ['orders'],
      when: '2026-11-29T10:00:00Z',
      dryRun: true,
      extra: 'kept',
    });
    expect(res.status).toBe(201);
    expect(res.body.workflowRun.inputs).toMatchObject({ service: 'orders', extra: 'kept' });
  });
});

describe('an action run with properties that break the action’s userInputs', () => {
  it.each(refusals)('is refused with 422 naming the input (%s)', async (_rule, bad, message) => {
    const res = await startActionRun({ ...good, ...bad });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      ok: false,
      error: 'invalid_request',
      message: `properties.${message}`,
    });
  });

  it('is refused when an entity input names no entity of its blueprint', async () => {
    const res = await startActionRun({ ...good, service: 'nope' });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'properties.service must name an existing entity of blueprint "svc"; "nope" does not exist',
    );
  });

  it('starts when the properties conform', async () => {
    const res = await startActionRun({ ...good, service: 'orders', nodes: 1 });
    expect(res.status).toBe(202);
    expect(res.body.run.properties).toMatchObject({ service: 'orders' });
  });
});

describe('the source of a run', () => {
  it('is UI when the dashboard says so for a person, API otherwise and for machines', async () => {
    const ui = { 'x-runboard-source': 'UI' };
    const byPerson = await t.api(
      'member',
      'POST',
      '/actions/deploy/runs',
      { properties: good },
      ui,
    );
    expect(byPerson.body.run.source).toBe('UI');
    const byApi = await t.api('member', 'POST', '/actions/deploy/runs', { properties: good });
    expect(byApi.body.run.source).toBe('API');
    const byMachine = await t.api(
      'machine',
      'POST',
      '/actions/deploy/runs',
      { properties: good },
      ui,
    );
    expect(byMachine.body.run.source).toBe('API');
    const audit = await t.api('admin', 'GET', `/audit-log?run_id=${byPerson.body.run.id}`);
    expect(audit.body.audits[0].trigger.origin).toBe('UI');
  });
});

describe("the entity picker's search", () => {
  it('lists the entities of the blueprint whose identifier or title contains the text', async () => {
    await t.api('admin', 'POST', '/blueprints/svc/entities', {
      identifier: 'pay_2',
      title: '100% Payments',
    });
    const byTitle = await t.api('member', 'GET', '/blueprints/svc/entities?search=ORD');
    expect(byTitle.body.entities.map((e: { identifier: string }) => e.identifier)).toEqual([
      'orders',
    ]);
    const literal = await t.api(
      'member',
      'GET',
      `/blueprints/svc/entities?search=${encodeURIComponent('%')}`,
    );
    expect(literal.body.entities.map((e: { identifier: string }) => e.identifier)).toEqual([
      'pay_2',
    ]);
    const underscore = await t.api('member', 'GET', '/blueprints/svc/entities?search=_');
    expect(underscore.body.entities.map((e: { identifier: string }) => e.identifier)).toEqual([
      'pay_2',
    ]);
    const none = await t.api('member', 'GET', '/blueprints/svc/entities?search=ghost');
    expect(none.body.entities).toEqual([]);
    const all = await t.api('member', 'GET', '/blueprints/svc/entities');
    expect(all.body.entities).toHaveLength(2);
  });
});
