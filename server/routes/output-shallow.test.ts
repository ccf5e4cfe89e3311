import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../db/client';
import { startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createLinearWorkflow,
  nodeRunOf,
  patchNode,
  startRun,
  unknownId,
} from '../test/workflow-fixtures';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'shallow');
});
afterAll(() => t.close());

const output = {
  name: 'build',
  count: 3,
  ok: true,
  none: null,
  'a/b~c': { deep: { deeper: [1, 2] } },
  items: Array.from({ length: 1200 }, (_, i) => ({ i })),
  log: 'x'.repeat(500),
};

async function nodeWithOutput() {
  const run = await startRun(t, 'shallow');
  const work = nodeRunOf(run, 'work').identifier;
  await patchNode(t, work, { output });
  return work;
}

const shallow = (work: string, query = '', as: 'admin' | 'member' = 'admin') =>
  t.api(as, 'GET', `/workflows/nodes/runs/${work}/output/shallow${query}`);

describe('[ext] GET /workflows/nodes/runs/{id}/output/shallow', () => {
  it('describes the root: each key with its kind, size or preview, in the full read’s order', async () => {
    const work = await nodeWithOutput();
    const res = await shallow(work);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, pointer: '', kind: 'object', size: 7, offset: 0 });
    expect(res.body.storedBytes).toBeGreaterThan(0);
    const full = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/output`);
    expect(res.body.entries.map((e: { key: string }) => e.key)).toEqual(
      Object.keys(full.body.output),
    );
    const byKey = Object.fromEntries(
      res.body.entries.map((e: { key: string }) => [e.key, e] as const),
    );
    expect(byKey.name).toEqual({ key: 'name', kind: 'string', preview: '"build"' });
    expect(byKey.count).toEqual({ key: 'count', kind: 'number', preview: '3' });
    expect(byKey.ok).toEqual({ key: 'ok', kind: 'boolean', preview: 'true' });
    expect(byKey.none).toEqual({ key: 'none', kind: 'null', preview: 'null' });
    expect(byKey.items).toEqual({ key: 'items', kind: 'array', size: 1200 });
    expect(byKey['a/b~c']).toEqual({ key: 'a/b~c', kind: 'object', size: 1 });
    // A long string: its first 200 characters as JSON, and its length.
    expect(byKey.log).toEqual({
      key: 'log',
      kind: 'string',
      preview: JSON.stringify('x'.repeat(200)),
      length: 500,
    });
  });

  it('reads a value inside by JSON pointer (escaped keys, array indexes), a page at a time', async () => {
    const work = await nodeWithOutput();
    const deep = await shallow(work, `?pointer=${encodeURIComponent('/a~1b~0c/deep')}`);
    expect(deep.status).toBe(200);
    expect(deep.body).toMatchObject({ pointer: '/a~1b~0c/deep', kind: 'object', size: 1 });
    expect(deep.body.entries).toEqual([{ key: 'deeper', kind: 'array', size: 2 }]);

    const first = await shallow(work, '?pointer=/items');
    expect(first.body.size).toBe(1200);
    expect(first.body.entries).toHaveLength(500);
    expect(first.body.entries[0]).toEqual({ key: '0', kind: 'object', size: 1 });
    const page = await shallow(work, '?pointer=/items&offset=1190&limit=50');
    expect(page.body.offset).toBe(1190);
    expect(page.body.entries.map((e: { key: string }) => e.key)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(1190 + i)),
    );

    const leaf = await shallow(work, '?pointer=/items/7/i');
    expect(leaf.body).toMatchObject({ kind: 'number', size: 0, entries: [], preview: '7' });
  });

  it('is cacheable for good once the node run completed', async () => {
    const work = await nodeWithOutput();
    expect((await shallow(work)).headers.get('cache-control')).toBe('private, no-cache');
    await completeNode(t, work, 'SUCCESS');
    expect((await shallow(work)).headers.get('cache-control')).toContain('immutable');
  });

  it('rejects a malformed pointer or page with 422 in Port’s error shape, as every invalid query', async () => {
    const work = await nodeWithOutput();
    for (const query of [
      '?pointer=items',
      '?pointer=/a~2',
      '?limit=0',
      '?limit=5000',
      '?offset=-1',
    ]) {
      const res = await shallow(work, query);
      expect(res.status, query).toBe(422);
      expect(res.body).toMatchObject({ ok: false, error: expect.any(String) });
      expect(typeof res.body.message).toBe('string');
    }
  });

  it('answers 404 for a pointer to nothing, an unknown node run and a run the caller may not view', async () => {
    const work = await nodeWithOutput();
    const missing = await shallow(work, '?pointer=/nope/0');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, error: 'not_found' });
    expect((await shallow(work, '?pointer=/items/5000')).status).toBe(404);
    expect((await shallow(unknownId('wfnr_'))).status).toBe(404);

    await createLinearWorkflow(t, 'shallow-private', { allowAnyoneToViewRuns: false });
    const run = await startRun(t, 'shallow-private', 'admin');
    const hidden = nodeRunOf(run, 'work').identifier;
    const res = await shallow(hidden, '', 'member');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ ok: false, error: 'not_found' });
    expect((await shallow(hidden, '', 'admin')).status).toBe(200);
  });
});

/** An output PostgreSQL cannot compress below 8 KB: 600 keys of 40 random hex characters (and `t`, first in jsonb's order: shortest keys first). */
const largeOutput = (tag: string) => ({
  t: tag,
  ...Object.fromEntries(
    Array.from({ length: 600 }, (_, i) => [
      `k${i}`,
      Array.from({ length: 40 }, () => Math.floor(Math.random() * 16).toString(16)).join(''),
    ]),
  ),
});

const storedRoot = async (work: string) => {
  const [row] = await selectRows<{ root: { size: number; entries: unknown[] } }>(
    t.database.db,
    sql`SELECT root FROM node_run_output_roots WHERE node_run_identifier = ${work}`,
  );
  return row?.root;
};

describe('[ext] the root of a large output, kept when it is written', () => {
  it('answers the root from the view kept at write time, the same as reading the output', async () => {
    const run = await startRun(t, 'shallow');
    const work = nodeRunOf(run, 'work').identifier;
    await patchNode(t, work, { output: largeOutput('first') });
    const kept = await storedRoot(work);
    expect(kept).toMatchObject({ kind: 'object', size: 601 });
    expect(kept!.entries).toHaveLength(500);

    const fromKept = await shallow(work);
    const firstThree = await shallow(work, '?limit=3');
    // Read from the output itself once the kept view is gone.
    await t.database.db.execute(
      sql`DELETE FROM node_run_output_roots WHERE node_run_identifier = ${work}`,
    );
    const fromOutput = await shallow(work);
    expect(fromOutput.status).toBe(200);
    expect(fromKept.body).toEqual(fromOutput.body);
    expect(fromKept.body.entries[0]).toEqual({ key: 't', kind: 'string', preview: '"first"' });
    expect(firstThree.body.entries).toEqual(fromOutput.body.entries.slice(0, 3));
  });

  it('follows the output when it is written again, and keeps none for a small one', async () => {
    const run = await startRun(t, 'shallow');
    const work = nodeRunOf(run, 'work').identifier;
    await patchNode(t, work, { output: largeOutput('first') });
    await patchNode(t, work, { output: largeOutput('second') });
    expect((await shallow(work)).body.entries[0]).toMatchObject({ preview: '"second"' });
    await patchNode(t, work, { output: { small: true } });
    expect(await storedRoot(work)).toBeUndefined();
    expect((await shallow(work)).body).toMatchObject({
      size: 1,
      entries: [{ key: 'small', kind: 'boolean', preview: 'true' }],
    });
  });
});
