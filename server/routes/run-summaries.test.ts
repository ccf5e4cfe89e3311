import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createLinearWorkflow,
  createQuietWorkflow,
  nodeRunOf,
  patchNode,
  startRun,
} from '../test/workflow-fixtures';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'slim');
});
afterAll(() => t.close());

const bigOutput = { rows: Array.from({ length: 200 }, (_, i) => ({ i, text: `row ${i}` })) };

describe('[ext] view=summary', () => {
  it('lists runs without node outputs or variables, and Port clients still get them', async () => {
    const run = await startRun(t, 'slim', 'admin', { inputs: { n: 1 } });
    await patchNode(t, nodeRunOf(run, 'work').identifier, { output: bigOutput });
    const full = await t.api('admin', 'GET', '/workflows/runs?workflowIdentifiers=slim');
    const slim = await t.api(
      'admin',
      'GET',
      '/workflows/runs?workflowIdentifiers=slim&view=summary',
    );
    expect(full.status).toBe(200);
    expect(slim.status).toBe(200);
    const fullRun = full.body.workflowRuns[0];
    const slimRun = slim.body.workflowRuns[0];
    expect(fullRun.variables.outputs.work).toEqual(bigOutput);
    expect(fullRun.nodeRuns[1].output).toEqual(bigOutput);
    expect(slimRun.variables).toBeUndefined();
    expect(slimRun.nodeRuns.map((n: Record<string, unknown>) => 'output' in n)).toEqual([
      false,
      false,
    ]);
    expect(slimRun).toMatchObject({
      identifier: run.identifier,
      status: 'IN_PROGRESS',
      inputs: { n: 1 },
      nodeRuns: [
        { nodeIdentifier: 'trigger', status: 'COMPLETED', logCounts: { INFO: 0 } },
        { nodeIdentifier: 'work', status: 'IN_PROGRESS' },
      ],
    });
    expect(JSON.stringify(slim.body).length).toBeLessThan(JSON.stringify(full.body).length / 3);
  });

  it('lists only identifiers and creation times with view=ids', async () => {
    const run = await startRun(t, 'slim');
    const res = await t.api('admin', 'GET', '/workflows/runs?workflowIdentifiers=slim&view=ids');
    expect(res.status).toBe(200);
    expect(res.body.workflowRuns[0]).toEqual({
      identifier: run.identifier,
      createdAt: run.createdAt,
    });
  });

  it('answers one run without its outputs', async () => {
    const run = await startRun(t, 'slim');
    await patchNode(t, nodeRunOf(run, 'work').identifier, { output: bigOutput });
    const res = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}?view=summary`);
    expect(res.status).toBe(200);
    expect(res.body.workflowRun.variables).toBeUndefined();
    expect(res.body.workflowRun.nodeRuns[1]).not.toHaveProperty('output');
    expect(res.body.workflowRun.nodeRuns[1]).toHaveProperty('delivery');
  });

  it('rejects an unknown view with 422 in Port’s error shape', async () => {
    const res = await t.api('admin', 'GET', '/workflows/runs?view=tiny');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ ok: false });
  });
});

describe('polls answered from change stamps', () => {
  it('gives 304 while nothing changes and a new ETag after each kind of change', async () => {
    // A KAFKA node: no backend delivery changes the run between the polls.
    await createQuietWorkflow(t, 'quiet');
    const run = await startRun(t, 'quiet');
    const path = `/workflows/runs/${run.identifier}?view=summary`;
    const work = nodeRunOf(run, 'work').identifier;
    let tag = (await t.api('admin', 'GET', path)).headers.get('etag')!;
    expect(tag).toMatch(/^W\/"r-/);
    const changes = [
      () => patchNode(t, work, { logs: [{ logLevel: 'INFO', log: 'a line' }] }),
      () => patchNode(t, work, { output: { step: 1 } }),
      () => completeNode(t, work),
      async () => {
        const rerun = await t.api('admin', 'POST', `/workflows/runs/${run.identifier}/rerun`, {});
        expect(rerun.status).toBe(201);
      },
    ];
    for (const change of changes) {
      const same = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
      expect(same.status).toBe(304);
      await change();
      const moved = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
      expect(moved.status, String(changes.indexOf(change))).toBe(200);
      expect(moved.headers.get('etag')).not.toBe(tag);
      tag = moved.headers.get('etag')!;
    }
  });

  it('does not answer the full form’s poll with the summary’s ETag', async () => {
    const run = await startRun(t, 'slim');
    const slim = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}?view=summary`);
    const full = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`, undefined, {
      'if-none-match': slim.headers.get('etag')!,
    });
    expect(full.status).toBe(200);
    expect(full.body.workflowRun.variables).toBeDefined();
  });

  it('answers 404, not 304, for a run the caller may not view', async () => {
    await createLinearWorkflow(t, 'private-slim', { allowAnyoneToViewRuns: false });
    const run = await startRun(t, 'private-slim', 'admin');
    const tag = (await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`)).headers.get(
      'etag',
    )!;
    const res = await t.api('member', 'GET', `/workflows/runs/${run.identifier}`, undefined, {
      'if-none-match': tag,
    });
    expect(res.status).toBe(404);
  });
});

describe('[ext] outputs read on their own', () => {
  it('serves a node run’s output, cacheable for good only once the node run completed', async () => {
    const run = await startRun(t, 'slim');
    const work = nodeRunOf(run, 'work').identifier;
    await patchNode(t, work, { output: { step: 1 } });
    const open = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/output`);
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ ok: true, output: { step: 1 } });
    expect(open.headers.get('cache-control')).toBe('private, no-cache');
    await completeNode(t, work, 'SUCCESS', { output: { step: 2 } });
    const done = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/output`);
    expect(done.body.output).toEqual({ step: 2 });
    expect(done.headers.get('cache-control')).toContain('immutable');
    const outputs = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}/outputs`);
    expect(outputs.body.outputs.work).toEqual({ step: 2 });
    expect(outputs.headers.get('cache-control')).toContain('immutable');
  });

  it('writes the stored output as JSON text, whatever characters and numbers it holds', async () => {
    const run = await startRun(t, 'slim');
    const work = nodeRunOf(run, 'work').identifier;
    const output = {
      'say "hi"': 'back\\slash ünï ✓ 🚀 </script>\n\ttab',
      numbers: [0, -1.5, 1e21, 123456789012],
      nested: { empty: {}, list: [], none: null, yes: true },
    };
    await patchNode(t, work, { output });
    const res = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/output`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ ok: true, output });
  });

  it('answers 404 for an output the caller may not view', async () => {
    await createLinearWorkflow(t, 'private-out', { allowAnyoneToViewRuns: false });
    const run = await startRun(t, 'private-out', 'admin');
    const work = nodeRunOf(run, 'work').identifier;
    const res = await t.api('member', 'GET', `/workflows/nodes/runs/${work}/output`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ ok: false, error: 'not_found' });
  });
});

describe('compression', () => {
  it('gzips a large JSON answer for a client that accepts it, and not a small one', async () => {
    const run = await startRun(t, 'slim');
    await patchNode(t, nodeRunOf(run, 'work').identifier, { output: bigOutput });
    const big = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`, undefined, {
      'accept-encoding': 'gzip',
    });
    expect(big.headers.get('content-encoding')).toBe('gzip');
    expect(big.body.workflowRun.nodeRuns[1].output).toEqual(bigOutput);
    const small = await t.api('admin', 'GET', '/me', undefined, { 'accept-encoding': 'gzip' });
    expect(small.status).toBe(200);
    expect(small.headers.get('content-encoding')).toBeNull();
  });
});

describe('log batches written in one statement', () => {
  it('stores every line verbatim, in order, with its tags, whatever characters it holds', async () => {
    const run = await startRun(t, 'slim');
    const work = nodeRunOf(run, 'work').identifier;
    const odd = [
      'say "hi"',
      'back\\slash \\" end\\',
      '{a,b}',
      'NULL',
      '',
      'tab\there',
      'ünï ✓ 🚀',
      ',',
    ];
    const res = await patchNode(t, work, {
      logs: odd.map((log, i) => ({
        logLevel: i % 2 ? 'WARN' : 'INFO',
        log,
        ...(i === 0 ? { tags: { k: 'v "q"' } } : {}),
      })),
    });
    expect(res.status).toBe(200);
    const page = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs`);
    expect(page.body.logs.map((l: { log: string }) => l.log)).toEqual(odd);
    expect(page.body.logs.map((l: { seq: number }) => l.seq)).toEqual(odd.map((_, i) => i + 1));
    expect(page.body.logs[0].tags).toEqual({ k: 'v "q"' });
    expect(page.body.logs[1]).toMatchObject({ logLevel: 'WARN', tags: {} });
    expect(page.body.total).toBe(odd.length);
  });
});
