import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import { createWorkflow, nodeRunOf, startRun, workflowBody } from '../test/workflow-fixtures';
import { selectRows } from './client';
import { binaryInt4Array, binaryTextArray, LogConnection } from './log-batches';

// The log ingest numbers lines from the counters it read under the runs' locks and writes them
// with an update of those counters guarded by what it read. These tests move a counter (or
// complete the node run) between the read and the write, as a writer that skipped the run's lock
// would, and check that nothing of that write commits.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  await createWorkflow(
    t,
    workflowBody(
      'guarded',
      ['trigger', { identifier: 'a', type: 'KAFKA' }, { identifier: 'b', type: 'KAFKA' }],
      [
        ['trigger', 'a'],
        ['trigger', 'b'],
      ],
    ),
  );
});
afterAll(async () => t.close());

const lines = (tag: string, n: number) =>
  Array.from({ length: n }, (_, k) => ({ level: 'INFO' as const, message: `${tag} ${k}` }));

async function stored(nodeRun: string) {
  return selectRows<{ seq: number; runSeq: number; message: string }>(
    t.database.db,
    sql`SELECT l.seq, l.run_seq AS "runSeq", l.message FROM log_lines l
      JOIN node_runs nr ON nr.log_key = l.node_key WHERE nr.identifier = ${nodeRun}
      ORDER BY l.seq`,
  );
}

async function counters(nodeRun: string) {
  const [row] = await selectRows<{ seq: number; info: number; runSeq: number }>(
    t.database.db,
    sql`SELECT nr.log_seq AS seq, nr.info_count AS info, r.log_seq AS "runSeq"
      FROM node_runs nr JOIN workflow_runs r ON r.identifier = nr.workflow_run_identifier
      WHERE nr.identifier = ${nodeRun}`,
  );
  return row!;
}

async function openRun() {
  const run = await startRun(t, 'guarded');
  return { a: nodeRunOf(run, 'a').identifier, b: nodeRunOf(run, 'b').identifier };
}

describe('the ingest write, guarded by the counters it read', () => {
  it('numbers batches of one write after each other, per node run and per run', async () => {
    const { a, b } = await openRun();
    const connection = await LogConnection.open(t.database.db);
    try {
      await connection.lock([a, b], []);
      const at = new Date();
      const written = await connection.commit([
        { nodeRun: a, lines: lines('a1', 3), at },
        { nodeRun: b, lines: lines('b1', 2), at },
        { nodeRun: a, lines: lines('a2', 2), at },
        { nodeRun: a, lines: lines('a3', 1), at },
      ]);
      expect(written.written).toBe(8);
      expect([...written.nodeRuns].sort()).toEqual([a, b].sort());
    } finally {
      connection.release(false);
    }
    expect(await stored(a)).toEqual([
      { seq: 1, runSeq: 1, message: 'a1 0' },
      { seq: 2, runSeq: 2, message: 'a1 1' },
      { seq: 3, runSeq: 3, message: 'a1 2' },
      { seq: 4, runSeq: 6, message: 'a2 0' },
      { seq: 5, runSeq: 7, message: 'a2 1' },
      { seq: 6, runSeq: 8, message: 'a3 0' },
    ]);
    expect((await stored(b)).map((l) => [l.seq, l.runSeq])).toEqual([
      [1, 4],
      [2, 5],
    ]);
    expect(await counters(a)).toEqual({ seq: 6, info: 6, runSeq: 8 });
    // The run's segments (db/log-segments.ts): a's first batch, b's, then a's last two as one.
    const segments = await selectRows<{ runSeq: number; node: string; seq: number; n: number }>(
      t.database.db,
      sql`SELECT s.run_seq AS "runSeq", nr.identifier AS node, s.seq, s.lines AS n
          FROM log_segments s JOIN node_runs nr ON nr.log_key = s.node_key
          WHERE s.run_key = (SELECT r.log_key FROM workflow_runs r JOIN node_runs x
                               ON x.workflow_run_identifier = r.identifier WHERE x.identifier = ${a})
          ORDER BY s.run_seq`,
    );
    expect(segments).toEqual([
      { runSeq: 1, node: a, seq: 1, n: 3 },
      { runSeq: 4, node: b, seq: 1, n: 2 },
      { runSeq: 6, node: a, seq: 4, n: 3 },
    ]);
  });

  for (const [what, change] of [
    ['its node run completes', sql`status = 'COMPLETED', result = 'SUCCESS', completed_at = now()`],
    ['its node run’s counter moves', sql`log_seq = log_seq + 1`],
  ] as const) {
    it(`writes nothing of a write when ${what} after the counters were read`, async () => {
      const { a, b } = await openRun();
      const connection = await LogConnection.open(t.database.db);
      let usable = false;
      try {
        await connection.lock([a, b], []);
        // Not under the run's lock: what the guard is there for.
        await t.database.db.execute(sql`UPDATE node_runs SET ${change} WHERE identifier = ${a}`);
        const write = connection.commit([
          { nodeRun: b, lines: lines('b', 2), at: new Date() },
          { nodeRun: a, lines: lines('a', 2), at: new Date() },
        ]);
        await expect(write).rejects.toBeInstanceOf(pg.DatabaseError);
        await expect(write).rejects.toThrow(/a node run completed or its log counters moved/);
        usable = await connection.reset();
        expect(usable).toBe(true);
      } finally {
        connection.release(!usable);
      }
      expect(await stored(a)).toEqual([]);
      expect(await stored(b)).toEqual([]);
      expect((await counters(b)).seq).toBe(0);
      expect((await counters(b)).runSeq).toBe(0);
    });
  }
});

describe('binary array parameters', () => {
  it('reach PostgreSQL as the same values, whatever characters they hold', async () => {
    const texts = [
      `it's "quoted", {braced}, back\\slash \\" and \\\\`,
      'NULL',
      '',
      'tab\tnew\nline, émoji 🚀, 中文',
      'x'.repeat(70_000),
    ];
    const client = await (t.database.db as unknown as { $client: pg.Pool }).$client.connect();
    try {
      const { rows } = await client.query<{ t: string[]; j: unknown[]; i: number[] }>(
        'SELECT $1::text[] AS t, $2::jsonb[] AS j, $3::int[] AS i',
        [
          binaryTextArray(texts),
          binaryTextArray([JSON.stringify({ q: texts[0] }), null, '{"k":"🚀"}'], true),
          binaryInt4Array(Int32Array.from([1, -2, 2147483647, 0])),
        ],
      );
      expect(rows[0]!.t).toEqual(texts);
      expect(rows[0]!.j).toEqual([{ q: texts[0] }, null, { k: '🚀' }]);
      expect(rows[0]!.i).toEqual([1, -2, 2147483647, 0]);
    } finally {
      client.release();
    }
  });

  it('reach PostgreSQL as the same values when all their text is ASCII (one write of it all)', async () => {
    // Lengths whose bytes pass 127 (200, 65 536 + 300), control characters, DEL, quotes, empty.
    const texts = [
      'INFO',
      `it's "quoted", {braced}, back\\slash \\" and \\\\`,
      '',
      'tab\tnew\nline\u0001\u007f',
      'y'.repeat(200),
      'x'.repeat(65_836),
      'NULL',
    ];
    const client = await (t.database.db as unknown as { $client: pg.Pool }).$client.connect();
    try {
      const { rows } = await client.query<{ t: string[]; j: unknown[]; n: number }>(
        'SELECT $1::text[] AS t, $2::jsonb[] AS j, cardinality($3::text[]) AS n',
        [
          binaryTextArray(texts),
          binaryTextArray([JSON.stringify({ q: texts[1] }), '{"k":"a\\u00e9"}', '[]'], true),
          binaryTextArray([]),
        ],
      );
      expect(rows[0]!.t).toEqual(texts);
      expect(rows[0]!.j).toEqual([{ q: texts[1] }, { k: 'aé' }, []]);
      expect(rows[0]!.n).toBe(0);
    } finally {
      client.release();
    }
  });
});
