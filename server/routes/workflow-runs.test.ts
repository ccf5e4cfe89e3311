import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../contract/workflows';
import { machineUser, startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createLinearWorkflow,
  createQuietWorkflow,
  createWorkflow,
  getRun,
  nodeRunOf,
  nodeStates,
  patchNode,
  startRun,
  unknownId,
  workflowBody,
} from '../test/workflow-fixtures';

// Every request reads the clock, so each run gets its own createdAt and "newest first" is exact.
let now = Date.parse('2026-03-01T10:00:00Z');
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date((now += 1000)) });
  // Shared by the advance-rule and concurrency tests.
  await createWorkflow(
    t,
    workflowBody(
      'diamond',
      ['trigger', 'a', { identifier: 'b', onFailure: 'continue' }, 'join'],
      [
        ['trigger', 'a'],
        ['trigger', 'b'],
        ['a', 'join'],
        ['b', 'join'],
      ],
    ),
  );
  await createWorkflow(
    t,
    workflowBody(
      'terminating',
      ['trigger', 'a', 'b', 'after-b'],
      [
        ['trigger', 'a'],
        ['trigger', 'b'],
        ['b', 'after-b'],
      ],
    ),
  );
});
afterAll(async () => t.close());

const ids = (runs: WorkflowRun[]) => runs.map((r) => r.identifier);

async function listRuns(query: string, as: 'admin' | 'member' = 'admin') {
  const res = await t.api(as, 'GET', `/workflows/runs?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { workflowRuns: WorkflowRun[]; nextCursor: string | null };
}

describe('POST /v1/workflows/{workflowId}/runs', () => {
  it('completes the trigger with the inputs as output and starts its successors', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'fan-out',
        ['trigger', 'a', 'b'],
        [
          ['trigger', 'a'],
          ['trigger', 'b'],
        ],
      ),
    );
    const run = await startRun(t, 'fan-out', 'member', {
      inputs: { env: 'prod', replicas: 3 },
      entity: 'service-payments',
    });
    expect(run).toMatchObject({
      workflow: { identifier: 'fan-out', version: 1 },
      workflowIdentifier: 'fan-out',
      title: 'Workflow fan-out',
      status: 'IN_PROGRESS',
      result: null,
      completedAt: null,
      createdBy: 'user_member',
      entity: 'service-payments',
      inputs: { env: 'prod', replicas: 3 },
      rerunOf: null,
      variables: { outputs: { trigger: { env: 'prod', replicas: 3 } } },
    });
    expect(run.identifier).toMatch(/^wfr_[a-zA-Z0-9]{16}$/);
    expect(nodeStates(run)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'IN_PROGRESS', null],
      ['b', 'IN_PROGRESS', null],
    ]);
    const trigger = nodeRunOf(run, 'trigger');
    expect(trigger).toMatchObject({
      node: { identifier: 'trigger' },
      nodeTitle: 'Node trigger',
      nodeConfigType: 'SELF_SERVE_TRIGGER',
      output: { env: 'prod', replicas: 3 },
      logCounts: { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 },
    });
    expect(trigger.completedAt).toBe(trigger.createdAt);
    expect(nodeRunOf(run, 'a').identifier).toMatch(/^wfnr_[a-zA-Z0-9]{16}$/);
    // The read adds each node run's [ext] delivery (none owed here: no url); the rest is the same.
    const read = await getRun(t, run.identifier, 'member');
    expect(read.nodeRuns.map((n) => n.delivery)).toEqual([null, null, null]);
    expect({ ...read, nodeRuns: read.nodeRuns.map(({ delivery: _, ...n }) => n) }).toEqual(run);
  });

  it('completes a run SUCCESS at once when the trigger has no successor', async () => {
    await createWorkflow(t, workflowBody('trigger-only', ['trigger'], []));
    const run = await startRun(t, 'trigger-only');
    expect(run).toMatchObject({ status: 'COMPLETED', result: 'SUCCESS', inputs: {} });
    expect(run.completedAt).not.toBeNull();
  });
});

describe('GET /v1/workflows/runs', () => {
  const runs: Record<string, WorkflowRun> = {};
  beforeAll(async () => {
    await createLinearWorkflow(t, 'list-a');
    await createLinearWorkflow(t, 'list-b');
    runs.a1 = await startRun(t, 'list-a', 'admin', { entity: 'svc-1' });
    runs.a2 = await startRun(t, 'list-a', 'member');
    await completeNode(t, nodeRunOf(runs.a2, 'work').identifier, 'SUCCESS');
    await t.api(
      'admin',
      'PUT',
      '/workflows/list-b',
      workflowBody('list-b', ['t', 'w'], [['t', 'w']]),
    );
    runs.b1 = await startRun(t, 'list-b', 'admin', { entity: 'svc-1' });
    await completeNode(t, nodeRunOf(runs.b1, 'w').identifier, 'FAILED');
    runs.b2 = await startRun(t, 'list-b', 'member');
  });
  const both = 'workflowIdentifiers=list-a&workflowIdentifiers=list-b';

  it('lists runs newest first with their node runs', async () => {
    const { workflowRuns, nextCursor } = await listRuns(both);
    expect(ids(workflowRuns)).toEqual(ids([runs.b2!, runs.b1!, runs.a2!, runs.a1!]));
    expect(workflowRuns[1]).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
    expect(nodeStates(workflowRuns[1]!)).toEqual([
      ['t', 'COMPLETED', 'SUCCESS'],
      ['w', 'COMPLETED', 'FAILED'],
    ]);
    expect(nextCursor).toBeNull();
  });

  it('accepts the name[]= spelling of array parameters', async () => {
    const { workflowRuns } = await listRuns(
      'workflowIdentifiers[]=list-a&workflowIdentifiers[]=list-b',
    );
    expect(workflowRuns).toHaveLength(4);
    const single = await listRuns('workflowIdentifiers[]=list-b');
    expect(ids(single.workflowRuns)).toEqual(ids([runs.b2!, runs.b1!]));
  });

  it('filters by statuses and results', async () => {
    expect(ids((await listRuns(`${both}&statuses=IN_PROGRESS`)).workflowRuns)).toEqual(
      ids([runs.b2!, runs.a1!]),
    );
    expect(
      ids((await listRuns(`${both}&statuses=IN_PROGRESS&statuses=COMPLETED`)).workflowRuns),
    ).toHaveLength(4);
    expect(ids((await listRuns(`${both}&results=FAILED`)).workflowRuns)).toEqual([
      runs.b1!.identifier,
    ]);
    expect(
      ids((await listRuns(`${both}&results[]=SUCCESS&results[]=FAILED`)).workflowRuns),
    ).toEqual(ids([runs.b1!, runs.a2!]));
  });

  it('filters by createdBy, entity, run identifiers and workflow versions', async () => {
    expect(ids((await listRuns(`${both}&createdBy=user_member`)).workflowRuns)).toEqual(
      ids([runs.b2!, runs.a2!]),
    );
    expect(ids((await listRuns(`${both}&entity=svc-1`)).workflowRuns)).toEqual(
      ids([runs.b1!, runs.a1!]),
    );
    expect(
      ids(
        (
          await listRuns(
            `workflowRunIdentifiers=${runs.a1!.identifier}&workflowRunIdentifiers=${runs.b2!.identifier}`,
          )
        ).workflowRuns,
      ),
    ).toEqual(ids([runs.b2!, runs.a1!]));
    expect(ids((await listRuns(`${both}&workflowVersions=2`)).workflowRuns)).toEqual(
      ids([runs.b2!, runs.b1!]),
    );
  });

  it('filters by from and to, both inclusive', async () => {
    const from = encodeURIComponent(runs.a2!.createdAt);
    const to = encodeURIComponent(runs.b1!.createdAt);
    expect(ids((await listRuns(`${both}&from=${from}&to=${to}`)).workflowRuns)).toEqual(
      ids([runs.b1!, runs.a2!]),
    );
    expect(ids((await listRuns(`${both}&from=${to}`)).workflowRuns)).toEqual(
      ids([runs.b2!, runs.b1!]),
    );
  });

  it('pages with limit and offset', async () => {
    const first = await listRuns(`${both}&limit=3`);
    expect(ids(first.workflowRuns)).toEqual(ids([runs.b2!, runs.b1!, runs.a2!]));
    expect(first.nextCursor).not.toBeNull();
    const second = await listRuns(`${both}&limit=3&offset=3`);
    expect(ids(second.workflowRuns)).toEqual([runs.a1!.identifier]);
  });

  it('rejects bad parameters with 422 naming the parameter', async () => {
    for (const [query, field] of [
      ['statuses=DONE', 'query.statuses'],
      ['results=OK', 'query.results'],
      ['limit=0', 'query.limit'],
      ['limit=1001', 'query.limit'],
      ['limit=ten', 'query.limit'],
      ['offset=-1', 'query.offset'],
      ['from=yesterday', 'query.from: must be an ISO 8601 date-time'],
      [
        'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        'query.from: 2026-02-01T00:00:00Z is after to',
      ],
      ['workflowRunIdentifiers=wfr_short', 'query.workflowRunIdentifiers'],
    ] as const) {
      const res = await t.api('admin', 'GET', `/workflows/runs?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message, query).toContain(field);
    }
  });

  it('rejects a cursor it did not hand out', async () => {
    const res = await t.api('admin', 'GET', '/workflows/runs?cursor=bm90LWEtY3Vyc29y');
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/cursor/);
  });
});

describe('cursor paging of runs', () => {
  it('returns every old run exactly once while new runs arrive between pages', async () => {
    await createLinearWorkflow(t, 'paged');
    const old: string[] = [];
    for (let i = 0; i < 7; i++) old.unshift((await startRun(t, 'paged')).identifier);
    const seen: string[] = [];
    const arrived: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listRuns(
        `workflowIdentifiers=paged&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...ids(page.workflowRuns));
      cursor = page.nextCursor;
      arrived.push((await startRun(t, 'paged')).identifier);
    } while (cursor);
    expect(seen).toEqual(old);
    expect(arrived).toHaveLength(4);
    const fresh = await listRuns('workflowIdentifiers=paged&limit=4');
    expect(ids(fresh.workflowRuns)).toEqual([...arrived].reverse());
  });
});

describe('GET /v1/workflows/runs/{wfr}', () => {
  it('answers 404 with the error envelope for an unknown run', async () => {
    const res = await t.api('admin', 'GET', `/workflows/runs/${unknownId('wfr_')}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      ok: false,
      error: 'not_found',
      message: `Workflow run "${unknownId('wfr_')}" was not found`,
    });
  });

  it('answers 422 for a malformed run id', async () => {
    for (const id of ['wfr_short', 'r_AAAAAAAAAAAAAAAA', 'wfr_AAAAAAAAAAAAAAA!']) {
      const res = await t.api('admin', 'GET', `/workflows/runs/${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(422);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toMatch(
        /path\.wfr: must be "wfr_" followed by 16 letters or digits/,
      );
    }
  });

  it('inlines log lines as nodeRunLogs with includeLogs=true only', async () => {
    await createLinearWorkflow(t, 'inline-logs');
    const run = await startRun(t, 'inline-logs');
    const work = nodeRunOf(run, 'work').identifier;
    await patchNode(t, work, {
      logs: [
        { logLevel: 'INFO', log: 'first', tags: { step: 'build' } },
        { logLevel: 'ERROR', log: 'second' },
      ],
    });
    const plain = await getRun(t, run.identifier);
    expect(nodeRunOf(plain, 'work').nodeRunLogs).toBeUndefined();
    expect(nodeRunOf(plain, 'work').logCounts).toEqual({ DEBUG: 0, INFO: 1, WARN: 0, ERROR: 1 });
    const res = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}?includeLogs=true`);
    const inlined = nodeRunOf(res.body.workflowRun, 'work').nodeRunLogs as Record<
      string,
      unknown
    >[];
    expect(inlined.map(({ logLevel, log, tags }) => ({ logLevel, log, tags }))).toEqual([
      { logLevel: 'INFO', log: 'first', tags: { step: 'build' } },
      { logLevel: 'ERROR', log: 'second', tags: {} },
    ]);
    expect(inlined[0]!.updatedAt).toBe(inlined[0]!.createdAt);
    expect(nodeRunOf(res.body.workflowRun, 'trigger').nodeRunLogs).toEqual([]);
  });
});

describe('PATCH node runs', () => {
  it('stores output on the node run and in variables.outputs on the Port path', async () => {
    await createLinearWorkflow(t, 'output');
    const run = await startRun(t, 'output');
    const work = nodeRunOf(run, 'work').identifier;
    const res = await patchNode(t, work, { output: { url: 'https://example.test/1' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    const after = await getRun(t, run.identifier);
    expect(nodeRunOf(after, 'work')).toMatchObject({
      status: 'IN_PROGRESS',
      output: { url: 'https://example.test/1' },
    });
    expect(after.variables.outputs).toEqual({
      trigger: {},
      work: { url: 'https://example.test/1' },
    });
    expect(after.updatedAt > run.updatedAt).toBe(true);
  });

  it('accepts the run-scoped path and answers 404 for a node run of another run', async () => {
    await createLinearWorkflow(t, 'scoped');
    const run = await startRun(t, 'scoped');
    const other = await startRun(t, 'scoped');
    const work = nodeRunOf(run, 'work').identifier;
    const wrong = await t.api(
      'admin',
      'PATCH',
      `/workflows/runs/${other.identifier}/nodes/${work}`,
      { status: 'COMPLETED', result: 'SUCCESS' },
    );
    expect(wrong.status).toBe(404);
    // The message names both ids: the node run exists, but not in the run the path names.
    expect(wrong.body).toEqual({
      ok: false,
      error: 'not_found',
      message: `Node run "${work}" of workflow run "${other.identifier}" was not found`,
    });
    expect(nodeRunOf(await getRun(t, run.identifier), 'work').status).toBe('IN_PROGRESS');

    const right = await t.api('admin', 'PATCH', `/workflows/runs/${run.identifier}/nodes/${work}`, {
      status: 'COMPLETED',
      result: 'SUCCESS',
      output: { done: true },
    });
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ ok: true });
    expect(await getRun(t, run.identifier)).toMatchObject({
      status: 'COMPLETED',
      result: 'SUCCESS',
      variables: { outputs: { work: { done: true } } },
    });
  });

  it('answers 404 for an unknown node run and 422 for a malformed id on both paths', async () => {
    const unknown = await patchNode(t, unknownId('wfnr_'), { output: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
    const malformed = await patchNode(t, 'wfnr_123', { output: {} });
    expect(malformed.status).toBe(422);
    expect(malformed.body.message).toMatch(/path\.wfnr/);
    const scoped = await t.api(
      'admin',
      'PATCH',
      `/workflows/runs/wfr_bad/nodes/${unknownId('wfnr_')}`,
      { output: {} },
    );
    expect(scoped.status).toBe(422);
    expect(scoped.body.message).toMatch(/path\.wfr/);
  });

  it('refuses output nested deeper than 128 levels with 422 instead of failing the write', async () => {
    await createLinearWorkflow(t, 'deep');
    const run = await startRun(t, 'deep');
    const work = nodeRunOf(run, 'work').identifier;
    const nested = (depth: number) => `{"output":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    const tooDeep = await patchNode(t, work, nested(5000) as never);
    expect(tooDeep.status).toBe(422);
    expect(tooDeep.body.message).toBe(
      `body.output${'.a'.repeat(127)}: nests objects and arrays deeper than 128 levels`,
    );
    const deepEnough = await patchNode(t, work, nested(120) as never);
    expect(deepEnough.status).toBe(200);
  });

  describe('body validation', () => {
    let work: string;
    let runId: string;
    beforeAll(async () => {
      await createLinearWorkflow(t, 'validation');
      const run = await startRun(t, 'validation');
      runId = run.identifier;
      work = nodeRunOf(run, 'work').identifier;
    });

    it.each([
      [
        'requires result with status COMPLETED',
        { status: 'COMPLETED' },
        'body.result: is required',
      ],
      ['refuses result without status COMPLETED', { result: 'SUCCESS' }, 'body.result: may only'],
      ['rejects a wrong status', { status: 'DONE', result: 'SUCCESS' }, 'body.status'],
      ['rejects a wrong result', { status: 'COMPLETED', result: 'OK' }, 'body.result'],
      ['rejects an output that is an array', { output: [1] }, 'body.output'],
      ['rejects an output that is a string', { output: 'done' }, 'body.output'],
      ['rejects unknown fields', { status: 'COMPLETED', result: 'SUCCESS', colour: 1 }, '"colour"'],
      [
        'refuses log lines sent with a completion that lacks result',
        { status: 'COMPLETED', logs: [{ logLevel: 'INFO', log: 'kept?' }] },
        'body.result',
      ],
      ['rejects a log line without logLevel', { logs: [{ log: 'x' }] }, 'body.logs.0.logLevel'],
      [
        'rejects a log line with a wrong level',
        { logs: [{ logLevel: 'LOUD', log: 'x' }] },
        'body.logs.0.logLevel',
      ],
      [
        'rejects tags that are not strings',
        { logs: [{ logLevel: 'INFO', log: 'x', tags: { n: 1 } }] },
        'body.logs.0.tags.n',
      ],
    ])('%s with 422 naming the field', async (_name, body, field) => {
      const res = await patchNode(t, work, body);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toContain(field);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await patchNode(t, work, '{status: COMPLETED}' as never);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_json');
    });

    it('left the node run untouched after every rejected request', async () => {
      const run = await getRun(t, runId);
      expect(nodeRunOf(run, 'work')).toMatchObject({
        status: 'IN_PROGRESS',
        output: {},
        logCounts: { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 },
      });
      expect(run.variables.outputs).toEqual({ trigger: {} });
    });
  });
});

describe('advance rules', () => {
  it('starts a successor only when its node run completes SUCCESS', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'chain',
        ['trigger', 'a', 'b'],
        [
          ['trigger', 'a'],
          ['a', 'b'],
        ],
      ),
    );
    const run = await startRun(t, 'chain');
    expect(nodeStates(run)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'IN_PROGRESS', null],
    ]);
    await patchNode(t, nodeRunOf(run, 'a').identifier, { output: { step: 1 } });
    expect(nodeStates(await getRun(t, run.identifier))).toHaveLength(2);
    await completeNode(t, nodeRunOf(run, 'a').identifier);
    expect(nodeStates(await getRun(t, run.identifier))).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'COMPLETED', 'SUCCESS'],
      ['b', 'IN_PROGRESS', null],
    ]);
  });

  it('makes a join node wait for all its predecessors, then completes the run SUCCESS', async () => {
    const run = await startRun(t, 'diamond');
    await completeNode(t, nodeRunOf(run, 'a').identifier);
    let current = await getRun(t, run.identifier);
    expect(current.nodeRuns.map((n) => n.nodeIdentifier)).not.toContain('join');
    await completeNode(t, nodeRunOf(run, 'b').identifier);
    current = await getRun(t, run.identifier);
    expect(nodeRunOf(current, 'join').status).toBe('IN_PROGRESS');
    expect(current.status).toBe('IN_PROGRESS');
    await completeNode(t, nodeRunOf(current, 'join').identifier, 'SUCCESS', {
      output: { released: true },
    });
    current = await getRun(t, run.identifier);
    expect(current).toMatchObject({
      status: 'COMPLETED',
      result: 'SUCCESS',
      variables: { outputs: { join: { released: true } } },
    });
    expect(current.completedAt).toBe(nodeRunOf(current, 'join').completedAt);
  });

  it('keeps the run going when an onFailure: continue node fails', async () => {
    const run = await startRun(t, 'diamond');
    await completeNode(t, nodeRunOf(run, 'b').identifier, 'FAILED');
    let current = await getRun(t, run.identifier);
    expect(current).toMatchObject({ status: 'IN_PROGRESS', result: null });
    expect(nodeRunOf(current, 'a').status).toBe('IN_PROGRESS');
    await completeNode(t, nodeRunOf(run, 'a').identifier);
    current = await getRun(t, run.identifier);
    // The join needs every predecessor to succeed, so nothing is left to run.
    expect(current).toMatchObject({ status: 'COMPLETED', result: 'SUCCESS' });
    expect(current.nodeRuns.map((n) => n.nodeIdentifier)).not.toContain('join');
  });

  it('completes the run FAILED when a terminate node fails, cancelling the other node runs', async () => {
    const run = await startRun(t, 'terminating');
    const b = nodeRunOf(run, 'b').identifier;
    await completeNode(t, nodeRunOf(run, 'a').identifier, 'FAILED');
    const current = await getRun(t, run.identifier);
    expect(current).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
    expect(nodeStates(current)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'COMPLETED', 'FAILED'],
      ['b', 'COMPLETED', 'CANCELLED'],
    ]);
    const late = await patchNode(t, b, { status: 'COMPLETED', result: 'SUCCESS' });
    expect(late.status).toBe(422);
    expect(late.body.error).toBe('run_exhausted');
    const final = await getRun(t, run.identifier);
    expect(final.nodeRuns.map((n) => n.nodeIdentifier)).not.toContain('after-b');
    expect(final.completedAt).toBe(current.completedAt);
  });

  it('completes the run CANCELLED when a terminate node is cancelled', async () => {
    const run = await startRun(t, 'terminating');
    await completeNode(t, nodeRunOf(run, 'b').identifier, 'CANCELLED');
    expect(await getRun(t, run.identifier)).toMatchObject({
      status: 'COMPLETED',
      result: 'CANCELLED',
    });
  });

  it('lets a node of a type Runboard does not execute wait for an external worker', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'kafka',
        ['trigger', { identifier: 'consumer', type: 'KAFKA' }],
        [['trigger', 'consumer']],
      ),
    );
    const run = await startRun(t, 'kafka');
    expect(nodeRunOf(run, 'consumer')).toMatchObject({
      status: 'IN_PROGRESS',
      nodeConfigType: 'KAFKA',
    });
    await completeNode(t, nodeRunOf(run, 'consumer').identifier);
    expect((await getRun(t, run.identifier)).result).toBe('SUCCESS');
  });
});

describe('workflow changes during a run', () => {
  it('advances a run by the graph of the version it started on', async () => {
    await createLinearWorkflow(t, 'changes');
    const run = await startRun(t, 'changes');
    const replaced = await t.api(
      'admin',
      'PUT',
      '/workflows/changes',
      workflowBody(
        'changes',
        ['trigger', 'work', 'added'],
        [
          ['trigger', 'work'],
          ['trigger', 'added'],
        ],
      ),
    );
    expect(replaced.body.workflow.version).toBe(2);
    await completeNode(t, nodeRunOf(run, 'work').identifier);
    const after = await getRun(t, run.identifier);
    expect(after).toMatchObject({ status: 'COMPLETED', result: 'SUCCESS' });
    expect(after.nodeRuns.map((n) => n.nodeIdentifier)).toEqual(['trigger', 'work']);
    const next = await startRun(t, 'changes');
    expect(next.nodeRuns.map((n) => n.nodeIdentifier)).toEqual(['trigger', 'work', 'added']);
  });

  it('keeps advancing a run whose workflow was deleted', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'vanishing',
        ['trigger', 'a', 'b', 'c'],
        [
          ['trigger', 'a'],
          ['trigger', 'b'],
          ['a', 'c'],
        ],
      ),
    );
    const run = await startRun(t, 'vanishing');
    expect((await t.api('admin', 'DELETE', '/workflows/vanishing')).status).toBe(200);
    await completeNode(t, nodeRunOf(run, 'a').identifier);
    const after = await getRun(t, run.identifier);
    expect(after.status).toBe('IN_PROGRESS');
    expect(nodeStates(after)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'COMPLETED', 'SUCCESS'],
      ['b', 'IN_PROGRESS', null],
      ['c', 'IN_PROGRESS', null],
    ]);
  });

  it('numbers a re-created workflow after the deleted one, so versions name one graph', async () => {
    await createLinearWorkflow(t, 'recreated');
    await t.api('admin', 'PUT', '/workflows/recreated', workflowBody('recreated', ['t'], []));
    await t.api('admin', 'DELETE', '/workflows/recreated');
    const again = await createLinearWorkflow(t, 'recreated');
    expect(again.version).toBe(3);
  });
});

describe('immutability of completed node runs', () => {
  let run: WorkflowRun;
  let work: string;
  beforeAll(async () => {
    await createLinearWorkflow(t, 'immutable');
    run = await startRun(t, 'immutable');
    work = nodeRunOf(run, 'work').identifier;
    await completeNode(t, work, 'SUCCESS', { output: { v: 1 } });
  });

  it('rejects a second completion of the same node run with 422', async () => {
    const res = await patchNode(t, work, { status: 'COMPLETED', result: 'FAILED' });
    expect(res.status).toBe(422);
    const { completedAt } = nodeRunOf(await getRun(t, run.identifier), 'work');
    expect(res.body).toEqual({
      ok: false,
      error: 'run_exhausted',
      message: `Node run "${work}" already completed with result SUCCESS at ${completedAt}; a completed node run cannot be changed`,
    });
  });

  it.each([
    ['an output', { output: { v: 2 } }],
    ['log lines', { logs: [{ logLevel: 'INFO', log: 'late' }] }],
    ['an empty body', {}],
  ])('rejects a PATCH with %s with 422 run_exhausted', async (_name, body) => {
    const res = await patchNode(t, work, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('run_exhausted');
  });

  it('rejects a log POST with 422 run_exhausted', async () => {
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: [{ level: 'INFO', message: 'late' }],
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('run_exhausted');
  });

  it('kept the node run and run exactly as they were completed', async () => {
    const after = await getRun(t, run.identifier);
    expect(nodeRunOf(after, 'work')).toMatchObject({
      result: 'SUCCESS',
      output: { v: 1 },
      logCounts: { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 },
    });
    expect(after.variables.outputs.work).toEqual({ v: 1 });
    expect(after.result).toBe('SUCCESS');
  });
});

describe('allowAnyoneToViewRuns: false', () => {
  let adminRun: WorkflowRun;
  let memberRun: WorkflowRun;
  beforeAll(async () => {
    await createLinearWorkflow(t, 'private', { allowAnyoneToViewRuns: false });
    adminRun = await startRun(t, 'private', 'admin');
    memberRun = await startRun(t, 'private', 'member');
  });

  it('leaves runs a member did not start out of the member’s list', async () => {
    expect(ids((await listRuns('workflowIdentifiers=private', 'member')).workflowRuns)).toEqual([
      memberRun.identifier,
    ]);
    expect(ids((await listRuns('workflowIdentifiers=private', 'admin')).workflowRuns)).toEqual(
      ids([memberRun, adminRun]),
    );
  });

  it('answers 404 to a member for the detail, logs and node runs of a run they did not start', async () => {
    const work = nodeRunOf(adminRun, 'work').identifier;
    for (const [method, path, body] of [
      ['GET', `/workflows/runs/${adminRun.identifier}`],
      ['GET', `/workflows/runs/${adminRun.identifier}/logs`],
      ['GET', `/workflows/nodes/runs/${work}/logs`],
      ['POST', `/workflows/nodes/runs/${work}/logs`, { logs: [{ level: 'INFO', message: 'x' }] }],
      ['PATCH', `/workflows/nodes/runs/${work}`, { status: 'COMPLETED', result: 'SUCCESS' }],
    ] as const) {
      const res = await t.api('member', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    expect(nodeRunOf(await getRun(t, adminRun.identifier), 'work').status).toBe('IN_PROGRESS');
  });

  it('shows the member the run they started, logs included', async () => {
    expect((await getRun(t, memberRun.identifier, 'member')).identifier).toBe(memberRun.identifier);
    const logs = await t.api('member', 'GET', `/workflows/runs/${memberRun.identifier}/logs`);
    expect(logs.status).toBe(200);
  });

  it('shows machine credentials every run', async () => {
    const { authorization } = await machineUser(t, 'machine');
    const list = await t.api(
      'anonymous',
      'GET',
      '/workflows/runs?workflowIdentifiers=private',
      undefined,
      {
        authorization,
      },
    );
    expect(ids(list.body.workflowRuns)).toEqual(ids([memberRun, adminRun]));
    const work = nodeRunOf(adminRun, 'work').identifier;
    const patched = await t.api(
      'anonymous',
      'PATCH',
      `/workflows/nodes/runs/${work}`,
      { logs: [{ logLevel: 'INFO', log: 'from a backend' }] },
      { authorization },
    );
    expect(patched.status).toBe(200);
  });

  it('shows the admin every run', async () => {
    expect((await getRun(t, memberRun.identifier, 'admin')).createdBy).toBe('user_member');
    expect((await getRun(t, adminRun.identifier, 'admin')).createdBy).toBe('user_admin');
  });
});

describe('ETag', () => {
  it('answers 304 to a matching If-None-Match and a new ETag once the run changes', async () => {
    // A KAFKA node: a WEBHOOK node's delivery (work item) moves on its own between the polls,
    // and the run's ETag follows its delivery queue too.
    await createQuietWorkflow(t, 'etag');
    const run = await startRun(t, 'etag');
    for (const path of [
      `/workflows/runs/${run.identifier}`,
      '/workflows/runs?workflowIdentifiers=etag',
      `/workflows/runs/${run.identifier}/logs`,
      `/workflows/nodes/runs/${nodeRunOf(run, 'work').identifier}/logs`,
    ]) {
      const first = await t.api('admin', 'GET', path);
      const tag = first.headers.get('etag');
      expect(tag, path).toBeTruthy();
      const again = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag! });
      expect(again.status, path).toBe(304);
      expect(again.body).toBeNull();
    }
    const before = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`);
    await patchNode(t, nodeRunOf(run, 'work').identifier, {
      logs: [{ logLevel: 'INFO', log: 'changed' }],
    });
    const after = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`, undefined, {
      'if-none-match': before.headers.get('etag')!,
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });
});

describe("concurrent requests — on a real PostgreSQL (every test run has one) this proves the run's row lock", () => {
  it('starts a join node once when its predecessors complete at the same moment', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => startRun(t, 'diamond')));
    await Promise.all(
      runs.flatMap((run) =>
        ['a', 'b'].map((node) => completeNode(t, nodeRunOf(run, node).identifier)),
      ),
    );
    for (const run of runs) {
      const after = await getRun(t, run.identifier);
      expect(after.nodeRuns.filter((n) => n.nodeIdentifier === 'join')).toHaveLength(1);
      expect(after.status).toBe('IN_PROGRESS');
    }
  });

  it('ends a run once when one branch fails while another succeeds concurrently', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => startRun(t, 'terminating')));
    const answers = await Promise.all(
      runs.flatMap((run) => [
        patchNode(t, nodeRunOf(run, 'a').identifier, { status: 'COMPLETED', result: 'FAILED' }),
        patchNode(t, nodeRunOf(run, 'b').identifier, { status: 'COMPLETED', result: 'SUCCESS' }),
      ]),
    );
    expect(answers.every((a) => a.status === 200 || a.body.error === 'run_exhausted')).toBe(true);
    for (const run of runs) {
      const after = await getRun(t, run.identifier);
      expect(after).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
      expect(after.nodeRuns.every((n) => n.status === 'COMPLETED')).toBe(true);
      // b either won the race (and after-b started, then was cancelled) or was cancelled itself.
      const b = nodeRunOf(after, 'b').result;
      expect(after.nodeRuns.some((n) => n.nodeIdentifier === 'after-b')).toBe(b === 'SUCCESS');
    }
  });

  it('lets exactly one of 20 concurrent completions win and starts one successor', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'race',
        ['trigger', 'a', 'b'],
        [
          ['trigger', 'a'],
          ['a', 'b'],
        ],
      ),
    );
    const run = await startRun(t, 'race');
    const a = nodeRunOf(run, 'a').identifier;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        patchNode(t, a, {
          status: 'COMPLETED',
          result: 'SUCCESS',
          output: { winner: i },
          logs: [{ logLevel: 'INFO', log: `from request ${i}` }],
        }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(422)]);
    expect(
      answers.filter((r) => r.status === 422).every((r) => r.body.error === 'run_exhausted'),
    ).toBe(true);
    const winner = answers.findIndex((r) => r.status === 200);
    const after = await getRun(t, run.identifier);
    expect(after.nodeRuns.filter((n) => n.nodeIdentifier === 'b')).toHaveLength(1);
    expect(nodeRunOf(after, 'a')).toMatchObject({
      output: { winner },
      logCounts: { DEBUG: 0, INFO: 1, WARN: 0, ERROR: 0 },
    });
    // Nothing half-written: the refused requests left none of their log lines behind.
    const logs = await t.api('admin', 'GET', `/workflows/nodes/runs/${a}/logs`);
    expect(logs.body.logs.map((l: { log: string }) => l.log)).toEqual([`from request ${winner}`]);
  });
});
