import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import {
  createLinearWorkflow,
  createWorkflow,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

describe('POST /v1/workflows', () => {
  it('creates a workflow at version 1 with defaults filled in', async () => {
    const res = await t.api(
      'admin',
      'POST',
      '/workflows',
      workflowBody('create-ok', ['trigger', 'work'], [['trigger', 'work']], {
        icon: 'Rocket',
        category: 'deploys',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.ok).toBe(true);
    expect(res.body.workflow).toMatchObject({
      identifier: 'create-ok',
      title: 'Workflow create-ok',
      icon: 'Rocket',
      description: null,
      category: 'deploys',
      allowAnyoneToViewRuns: true,
      version: 1,
      createdBy: 'user_admin',
      updatedBy: 'user_admin',
      connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'work' }],
    });
    expect(res.body.workflow.nodes[1]).toMatchObject({
      identifier: 'work',
      config: { type: 'WEBHOOK' },
      onFailure: 'terminate',
    });
  });

  it('keeps node config fields it does not interpret', async () => {
    const body = workflowBody('config-kept', ['trigger'], []);
    body.nodes[0]!.config = {
      type: 'SELF_SERVE_TRIGGER',
      userInputs: { properties: { env: { type: 'string' } }, required: ['env'] },
    } as never;
    const created = await createWorkflow(t, body);
    const res = await t.api('member', 'GET', `/workflows/${created.identifier}`);
    expect(res.body.workflow.nodes[0].config.userInputs.required).toEqual(['env']);
  });

  it('forbids members from creating workflows', async () => {
    const res = await t.api('member', 'POST', '/workflows', workflowBody('by-member', ['t'], []));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ ok: false, error: 'forbidden' });
    expect((await t.api('admin', 'GET', '/workflows/by-member')).status).toBe(404);
  });

  it('answers 409 for an identifier that exists, leaving the first one unchanged', async () => {
    await createLinearWorkflow(t, 'dup');
    const res = await t.api(
      'admin',
      'POST',
      '/workflows',
      workflowBody('dup', ['other-trigger'], [], { title: 'Second' }),
    );
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ ok: false, error: 'conflict' });
    expect(res.body.message).toMatch(/"dup" already exists/);
    const stored = await t.api('admin', 'GET', '/workflows/dup');
    expect(stored.body.workflow.title).toBe('Workflow dup');
  });

  it('rejects a graph with a cycle, naming it', async () => {
    const res = await t.api(
      'admin',
      'POST',
      '/workflows',
      workflowBody(
        'cyclic',
        ['t', 'a', 'b'],
        [
          ['t', 'a'],
          ['a', 'b'],
          ['b', 'a'],
        ],
      ),
    );
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toBe(
      'Invalid workflow graph: the connections form a cycle: a → b → a',
    );
  });

  it('rejects a dangling connection, naming its end', async () => {
    const res = await t.api(
      'admin',
      'POST',
      '/workflows',
      workflowBody('dangling', ['t', 'a'], [['a', 'nowhere']]),
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/connections\[0\]\.targetIdentifier "nowhere" is not a node/);
  });

  it('rejects a graph without a trigger node', async () => {
    const res = await t.api(
      'admin',
      'POST',
      '/workflows',
      workflowBody('no-trigger', [{ identifier: 'a', type: 'WEBHOOK' }, 'b'], [['a', 'b']]),
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/no trigger node/);
  });

  it('rejects unknown top-level fields and bad node types, naming the field', async () => {
    const extra = await t.api(
      'admin',
      'POST',
      '/workflows',
      workflowBody('extra', ['t'], [], { colour: 'red' }),
    );
    expect(extra.status).toBe(422);
    expect(extra.body.message).toMatch(/body: unknown field\(s\) "colour"/);

    const badType = await t.api(
      'admin',
      'POST',
      '/workflows',
      workflowBody('bad-type', ['t', { identifier: 'a', type: 'TELEPORT' }], [['t', 'a']]),
    );
    expect(badType.status).toBe(422);
    expect(badType.body.message).toMatch(/body\.nodes\.1\.config\.type/);

    const badFailure = await t.api('admin', 'POST', '/workflows', {
      ...workflowBody('bad-failure', ['t'], []),
      nodes: [{ identifier: 't', config: { type: 'SELF_SERVE_TRIGGER' }, onFailure: 'retry' }],
    });
    expect(badFailure.status).toBe(422);
    expect(badFailure.body.message).toMatch(/body\.nodes\.0\.onFailure/);
  });

  it('reserves the identifier "runs", whose GET would be the run list', async () => {
    const res = await t.api('admin', 'POST', '/workflows', workflowBody('runs', ['t'], []));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/body\.identifier "runs" is reserved/);
  });

  it('rejects an identifier with characters Port does not allow', async () => {
    const res = await t.api('admin', 'POST', '/workflows', workflowBody('has space', ['t'], []));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/body\.identifier/);
  });
});

describe('GET /v1/workflows', () => {
  it('lists workflows with run stats', async () => {
    await createLinearWorkflow(t, 'listed');
    const run = await startRun(t, 'listed', 'member');
    const res = await t.api('member', 'GET', '/workflows');
    expect(res.status).toBe(200);
    const listed = res.body.workflows.find(
      (w: { identifier: string }) => w.identifier === 'listed',
    );
    expect(listed.stats).toMatchObject({
      total: 1,
      inProgress: 1,
      lastRun: { identifier: run.identifier, status: 'IN_PROGRESS', result: null },
    });
  });

  it('does not count runs a member may not view in the stats', async () => {
    await createLinearWorkflow(t, 'private-stats', { allowAnyoneToViewRuns: false });
    const adminRun = await startRun(t, 'private-stats', 'admin');
    const statsOf = async (as: 'admin' | 'member') => {
      const res = await t.api(as, 'GET', '/workflows');
      return res.body.workflows.find(
        (w: { identifier: string }) => w.identifier === 'private-stats',
      ).stats;
    };
    expect(await statsOf('member')).toEqual({ lastRun: null, inProgress: 0, total: 0 });
    expect((await statsOf('admin')).lastRun.identifier).toBe(adminRun.identifier);

    const memberRun = await startRun(t, 'private-stats', 'member');
    expect(await statsOf('member')).toMatchObject({
      total: 1,
      lastRun: { identifier: memberRun.identifier },
    });
    expect((await statsOf('admin')).total).toBe(2);
  });
});

describe('GET /v1/workflows/{workflowId}', () => {
  it('answers 404 with the error envelope for an unknown workflow', async () => {
    const res = await t.api('member', 'GET', '/workflows/never-made');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      ok: false,
      error: 'not_found',
      message: 'Workflow "never-made" was not found',
    });
  });
});

describe('PUT /v1/workflows/{workflowId}', () => {
  it('replaces the workflow and increments its version each time', async () => {
    await createLinearWorkflow(t, 'replaced');
    const body = workflowBody(
      'replaced',
      ['trigger', 'a', 'b'],
      [
        ['trigger', 'a'],
        ['a', 'b'],
      ],
    );
    const first = await t.api('admin', 'PUT', '/workflows/replaced', {
      ...body,
      title: 'Renamed',
    });
    expect(first.status).toBe(200);
    expect(first.body.workflow).toMatchObject({ title: 'Renamed', version: 2 });
    expect(first.body.workflow.nodes).toHaveLength(3);
    const { identifier: _identifier, ...withoutIdentifier } = body;
    const second = await t.api('admin', 'PUT', '/workflows/replaced', withoutIdentifier);
    expect(second.status).toBe(200);
    expect(second.body.workflow.version).toBe(3);
  });

  it('records the version a run started on', async () => {
    await createLinearWorkflow(t, 'versioned');
    await t.api('admin', 'PUT', '/workflows/versioned', workflowBody('versioned', ['t'], []));
    const run = await startRun(t, 'versioned');
    expect(run.workflow).toEqual({ identifier: 'versioned', version: 2 });
  });

  it('answers 422 when the body names another identifier', async () => {
    await createLinearWorkflow(t, 'mismatch');
    const res = await t.api(
      'admin',
      'PUT',
      '/workflows/mismatch',
      workflowBody('other', ['t'], []),
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('body.identifier "other" does not match the path\'s "mismatch"');
    expect((await t.api('admin', 'GET', '/workflows/mismatch')).body.workflow.version).toBe(1);
  });

  it('rejects an invalid graph without changing the stored one', async () => {
    await createLinearWorkflow(t, 'stays');
    const res = await t.api(
      'admin',
      'PUT',
      '/workflows/stays',
      workflowBody('stays', [{ identifier: 'a', type: 'WEBHOOK' }], []),
    );
    expect(res.status).toBe(422);
    const stored = await t.api('admin', 'GET', '/workflows/stays');
    expect(stored.body.workflow).toMatchObject({ version: 1 });
    expect(stored.body.workflow.nodes).toHaveLength(2);
  });

  it('answers 404 for an unknown workflow and 403 for a member', async () => {
    const missing = await t.api(
      'admin',
      'PUT',
      '/workflows/ghost',
      workflowBody('ghost', ['t'], []),
    );
    expect(missing.status).toBe(404);
    await createLinearWorkflow(t, 'member-put');
    const member = await t.api(
      'member',
      'PUT',
      '/workflows/member-put',
      workflowBody('member-put', ['t'], []),
    );
    expect(member.status).toBe(403);
  });
});

describe('GET /v1/workflows/{workflowId}/versions/{version} [ext]', () => {
  it('answers the graph a version had after the workflow was replaced', async () => {
    await createLinearWorkflow(t, 'old-graph');
    await t.api(
      'admin',
      'PUT',
      '/workflows/old-graph',
      workflowBody('old-graph', ['start', 'other'], [['start', 'other']]),
    );
    const res = await t.api('member', 'GET', '/workflows/old-graph/versions/1');
    expect(res.status).toBe(200);
    expect(res.body.workflowVersion).toMatchObject({
      workflowIdentifier: 'old-graph',
      version: 1,
      connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'work' }],
    });
    expect(res.body.workflowVersion.nodes.map((n: { identifier: string }) => n.identifier)).toEqual(
      ['trigger', 'work'],
    );
    const current = await t.api('member', 'GET', '/workflows/old-graph/versions/2');
    expect(current.body.workflowVersion.nodes[0].identifier).toBe('start');
  });

  it('keeps answering after the workflow is deleted', async () => {
    await createLinearWorkflow(t, 'gone-graph');
    await t.api('admin', 'DELETE', '/workflows/gone-graph');
    const res = await t.api('member', 'GET', '/workflows/gone-graph/versions/1');
    expect(res.status).toBe(200);
    expect(res.body.workflowVersion.nodes).toHaveLength(2);
  });

  it('answers 404 for a version that never existed and 422 for one that is not a number', async () => {
    await createLinearWorkflow(t, 'one-version');
    const missing = await t.api('admin', 'GET', '/workflows/one-version/versions/2');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Version 2 of workflow "one-version" was not found');
    expect((await t.api('admin', 'GET', '/workflows/one-version/versions/x')).status).toBe(422);
  });
});

describe('DELETE /v1/workflows/{workflowId}', () => {
  it('deletes the workflow and answers with it', async () => {
    await createLinearWorkflow(t, 'deleted');
    const res = await t.api('admin', 'DELETE', '/workflows/deleted');
    expect(res.status).toBe(200);
    expect(res.body.workflow.identifier).toBe('deleted');
    expect((await t.api('admin', 'GET', '/workflows/deleted')).status).toBe(404);
    expect((await t.api('admin', 'DELETE', '/workflows/deleted')).status).toBe(404);
  });

  it('forbids members from deleting workflows', async () => {
    await createLinearWorkflow(t, 'kept');
    const res = await t.api('member', 'DELETE', '/workflows/kept');
    expect(res.status).toBe(403);
    expect((await t.api('admin', 'GET', '/workflows/kept')).status).toBe(200);
  });

  it('keeps the runs of a deleted workflow readable', async () => {
    await createLinearWorkflow(t, 'deleted-with-runs');
    const run = await startRun(t, 'deleted-with-runs');
    await t.api('admin', 'DELETE', '/workflows/deleted-with-runs');
    const res = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`);
    expect(res.status).toBe(200);
    expect(res.body.workflowRun.workflowIdentifier).toBe('deleted-with-runs');
  });
});

describe('POST /v1/workflows/{workflowId}/runs', () => {
  it('answers 404 for an unknown workflow', async () => {
    const res = await t.api('member', 'POST', '/workflows/not-there/runs', {});
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('rejects inputs that are not an object and unknown fields, naming the field', async () => {
    await createLinearWorkflow(t, 'start-validation');
    const notObject = await t.api('member', 'POST', '/workflows/start-validation/runs', {
      inputs: [1, 2],
    });
    expect(notObject.status).toBe(422);
    expect(notObject.body.message).toMatch(/body\.inputs/);
    const unknown = await t.api('member', 'POST', '/workflows/start-validation/runs', {
      input: {},
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/unknown field\(s\) "input"/);
    const runs = await t.api(
      'admin',
      'GET',
      '/workflows/runs?workflowIdentifiers=start-validation',
    );
    expect(runs.body.workflowRuns).toEqual([]);
  });
});
