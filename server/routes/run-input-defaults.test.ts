import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';

/**
 * A run started over the API gets its absent inputs' `default`s, as the dashboard's start form
 * fills them: a template reading an optional input with a default has it, whoever started the run.
 */

let t: TestServer;

const userInputs = {
  properties: {
    name: { type: 'string' },
    region: { type: 'string', default: 'eu-west-1' },
    size: { type: 'number', default: 2 },
    tags: { type: 'array', items: { type: 'string' }, default: ['a'] },
    // Port's UI computes a jq default from the form's context: nothing to fill in here.
    owner: { type: 'string', default: { jqQuery: '.user.email' } },
    // A disabled input is left out of the submitted data.
    hidden: { type: 'string', default: 'never', disabled: true },
    approved: { type: 'boolean', default: true },
    // Port: disabled inputs are excluded from required validation, default or not.
    locked: { type: 'string', default: 'eu', disabled: true },
    frozen: { type: 'string', disabled: true },
  },
  required: ['name', 'approved', 'locked', 'frozen'],
};

beforeAll(async () => {
  t = await startTestServer();
  const wf = await t.api('admin', 'POST', '/workflows', {
    identifier: 'provision',
    title: 'Provision',
    nodes: [
      { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER', userInputs } },
      {
        identifier: 'register',
        config: {
          type: 'UPSERT_ENTITY',
          blueprintIdentifier: 'env',
          mapping: {
            identifier: '{{ .outputs.trigger.name }}',
            title: '{{ .outputs.trigger.region }}',
          },
        },
      },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'register' }],
  });
  expect(wf.status).toBe(201);
  await t.api('admin', 'POST', '/blueprints', { identifier: 'env', title: 'Environment' });
  const action = await t.api('admin', 'POST', '/actions', {
    identifier: 'provision',
    title: 'Provision',
    trigger: { operation: 'CREATE', userInputs },
  });
  expect(action.status).toBe(201);
});
afterAll(async () => t.close());

const filled = { region: 'eu-west-1', size: 2, tags: ['a'], approved: true };

describe('a workflow run started over the API', () => {
  it('gets the defaults of the inputs it left out, in its inputs and its trigger output', async () => {
    const res = await t.api('member', 'POST', '/workflows/provision/runs', {
      inputs: { name: 'qa' },
    });
    expect(res.status).toBe(201);
    const run = res.body.workflowRun;
    expect(run.inputs).toEqual({ name: 'qa', ...filled });
    expect(run.variables.outputs.trigger).toEqual({ name: 'qa', ...filled });
    // The next node read the defaulted input.
    await vi.waitFor(async () => {
      const got = await t.api('admin', 'GET', '/blueprints/env/entities/qa');
      expect(got.body.entity?.title).toBe('eu-west-1');
    });
  });

  it('keeps what was given, falsy values included', async () => {
    const inputs = { name: 'given', region: '', size: 0, tags: [], approved: false };
    const res = await t.api('member', 'POST', '/workflows/provision/runs', { inputs });
    expect(res.status).toBe(201);
    expect(res.body.workflowRun.inputs).toEqual(inputs);
  });

  it('refuses a required input missing without a default, naming it', async () => {
    const res = await t.api('member', 'POST', '/workflows/provision/runs', { inputs: {} });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      ok: false,
      error: 'invalid_request',
      message: 'inputs.name is required',
    });
  });
});

describe('an action run started over the API', () => {
  it('gets the defaults too, and a required input with a default is not missing', async () => {
    const res = await t.api('member', 'POST', '/actions/provision/runs', {
      properties: { name: 'qa' },
    });
    expect(res.status).toBe(202);
    expect(res.body.run.properties).toEqual({ name: 'qa', ...filled });
  });

  it('starts with required disabled inputs left out, with or without a default, unfilled', async () => {
    const res = await t.api('member', 'POST', '/actions/provision/runs', {
      properties: { name: 'locked' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run.properties).not.toHaveProperty('locked');
    expect(res.body.run.properties).not.toHaveProperty('frozen');
    // A value given for one over the API is still checked against its schema.
    const bad = await t.api('member', 'POST', '/actions/provision/runs', {
      properties: { name: 'locked', frozen: 3 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('properties.frozen must be string');
  });

  it('still refuses a required input with no default', async () => {
    const res = await t.api('member', 'POST', '/actions/provision/runs', {
      properties: { region: 'us-east-1' },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('body.properties: missing required input(s) "name"');
  });
});
