import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withSession } from '../db/client';
import { READS_FIRST_DEFAULT_MS, readStarted, setReadsFirstMs } from '../services/read-first';
import { startTestServer, type TestServer } from '../test/harness';
import { createQuietWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';

/**
 * People watching first: a poll never waits for a log write (its lock, its connection), and the
 * log ingest holds its next write while reads are being handled — for READS_FIRST_MS at most.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  await createQuietWorkflow(t, 'read-first');
});
afterAll(() => t.close());
afterEach(() => setReadsFirstMs(READS_FIRST_DEFAULT_MS));

const post = (nodeRun: string, message: string) =>
  t.api('admin', 'POST', `/workflows/nodes/runs/${nodeRun}/logs`, {
    logs: [{ level: 'INFO', message }],
  });
const storedLines = async (nodeRun: string) => {
  const [row] = (
    (await t.database.db.execute(
      sql`SELECT n.log_seq AS n FROM node_runs n WHERE n.identifier = ${nodeRun}`,
    )) as unknown as { rows: { n: number }[] }
  ).rows;
  return row!.n;
};
/** Whether `promise` is still pending after `ms`. */
const pendingAfter = async (promise: Promise<unknown>, ms: number) => {
  let settled = false;
  void promise.finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, ms));
  return !settled;
};

describe('reads first', () => {
  it('answers a run poll and a log poll while a log write waits for the run’s lock', async () => {
    const run = await startRun(t, 'read-first');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'before');
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // The run's row lock, as a PATCH of one of its node runs holds it: the write waits for it.
    const holder = withSession(t.database.db, async (query) => {
      await query('BEGIN');
      await query('SELECT 1 FROM workflow_runs WHERE identifier = $1 FOR UPDATE', [run.identifier]);
      locked();
      await released;
      await query('COMMIT');
    });
    await isLocked;
    const write = post(work, 'held');
    expect(await pendingAfter(write, 200)).toBe(true);
    const [polled, logs] = await Promise.all([
      t.api('admin', 'GET', `/workflows/runs/${run.identifier}?view=summary`),
      t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?cursor=0`),
    ]);
    expect(polled.status).toBe(200);
    expect(logs.status).toBe(200);
    expect(logs.body.logs.map((l: { log: string }) => l.log)).toEqual(['before']);
    expect(await pendingAfter(write, 0)).toBe(true);
    release();
    await holder;
    expect((await write).status).toBe(201);
    expect(await storedLines(work)).toBe(2);
  });

  it('holds a log write while a read is being handled, and writes it once the read ends', async () => {
    const run = await startRun(t, 'read-first');
    const work = nodeRunOf(run, 'work').identifier;
    setReadsFirstMs(60_000);
    const readDone = readStarted();
    const write = post(work, 'after the read');
    expect(await pendingAfter(write, 300)).toBe(true);
    expect(await storedLines(work)).toBe(0);
    readDone();
    expect((await write).status).toBe(201);
    expect(await storedLines(work)).toBe(1);
  });

  it('holds it for READS_FIRST_MS at most when reads never stop', async () => {
    const run = await startRun(t, 'read-first');
    const work = nodeRunOf(run, 'work').identifier;
    setReadsFirstMs(50);
    const readDone = readStarted();
    try {
      const answers = await Promise.all([
        post(work, 'one'),
        post(work, 'two'),
        post(work, 'three'),
      ]);
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
      expect(await storedLines(work)).toBe(3);
    } finally {
      readDone();
    }
  });
});
