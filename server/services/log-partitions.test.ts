import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, selectRows, withSession, type Db } from '../db/client';
import { livePartitions, nextRunKey } from '../db/log-partitions';
import {
  bearerToken,
  copyTemplate,
  startTestServer,
  TEST_CREDENTIALS,
  type TestServer,
} from '../test/harness';
import { until } from '../test/until';
import { completeNode, createLinearWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';
import { maintainLogPartitions } from './log-partitions';
import { sweepRetention } from './retention';

const DAY = 86_400_000;
const PERIOD = { periodMs: DAY, minSpan: 5 };

async function rows<T>(db: Db, query: ReturnType<typeof sql>) {
  return selectRows<T>(db, query);
}

/** The partition (table) each of a run's lines is stored in. */
async function tablesOfLines(db: Db, runKey: number) {
  const found = await rows<{ t: string }>(
    db,
    sql`SELECT DISTINCT tableoid::regclass::text AS t FROM log_blocks WHERE run_key = ${runKey}`,
  );
  return found.map((r) => r.t);
}

/** The registered partition whose keys hold `runKey`. */
async function partitionHolding(db: Db, runKey: number) {
  return (await livePartitions(db)).find((p) => p.lo <= runKey && runKey < p.hi);
}

const tableExists = async (db: Db, name: string) =>
  (await rows<{ t: string | null }>(db, sql`SELECT to_regclass(${name})::text AS t`))[0]?.t !==
  null;

/**
 * A transaction that has read log_blocks and stays open until `finish`, as an old reader
 * would: a partition's detach has to wait for it.
 */
async function holdReader(db: Db) {
  let release = () => {};
  const done = db.transaction(async (tx) => {
    await tx.execute(sql`SELECT count(*) FROM log_lines`);
    await new Promise<void>((resolve) => (release = resolve));
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    finish: async () => {
      release();
      await done;
    },
  };
}

/**
 * A detach cut short, as a sweep's lock timeout leaves it: a reader's transaction stays open, so
 * the detach's second step runs into its lock timeout and leaves the partition pending.
 */
async function leaveDetachPending(db: Db, partition: string) {
  const reader = await holdReader(db);
  await withSession(db, async (q) => {
    await q(`SET lock_timeout = '300ms'`);
    await expect(
      q(`ALTER TABLE log_blocks DETACH PARTITION "${partition}" CONCURRENTLY`),
    ).rejects.toThrow(/lock timeout/);
    await q(`RESET lock_timeout`);
  });
  await reader.finish();
}

/**
 * A transaction holding a snapshot (REPEATABLE READ, as a long report or pg_dump does) until
 * `finish`: DETACH … FINALIZE waits for every older snapshot.
 */
async function holdSnapshot(db: Db) {
  let release = () => {};
  let taken = () => {};
  const ready = new Promise<void>((resolve) => (taken = resolve));
  const done = db.transaction(
    async (tx) => {
      await tx.execute(sql`SELECT count(*) FROM workflow_runs`);
      taken();
      await new Promise<void>((resolve) => (release = resolve));
    },
    { isolationLevel: 'repeatable read' },
  );
  await ready;
  return {
    finish: async () => {
      release();
      await done;
    },
  };
}

describe('log partitions', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ withoutDispatcher: true });
    await createLinearWorkflow(t, 'parted');
  });
  afterAll(async () => t.close());

  /** A run of `parted` with `lines` lines on its work node (every 10th a WARN), finished unless `open`. */
  async function runWithLines(lines: number, open = false, tag = 'line') {
    const run = await startRun(t, 'parted');
    const work = nodeRunOf(run, 'work').identifier;
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: Array.from({ length: lines }, (_, i) => ({
        level: i % 10 === 9 ? 'WARN' : 'INFO',
        message: `${tag} ${i + 1}`,
      })),
    });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    if (!open) await completeNode(t, work);
    const [row] = await rows<{ key: number }>(
      t.database.db,
      sql`SELECT log_key AS key FROM workflow_runs WHERE identifier = ${run.identifier}`,
    );
    return { run: run.identifier, work, key: row!.key };
  }

  /** Maintains as of `daysAgo` days ago, so partitions close and are recorded at that time. */
  const maintainAt = (daysAgo: number) =>
    maintainLogPartitions(t.database.db, new Date(Date.now() - daysAgo * DAY), PERIOD);

  it('stores a run’s lines in the partition of its key and keeps one partition open ahead', async () => {
    const report = await maintainAt(0);
    expect(report.skipped).toBe(false);
    const a = await runWithLines(20);
    const holding = await partitionHolding(t.database.db, a.key);
    expect(holding).toBeDefined();
    expect(await tablesOfLines(t.database.db, a.key)).toEqual([holding!.name]);
    // Partitions are contiguous, and one starts where the current one ends.
    const parts = await livePartitions(t.database.db);
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.lo).toBe(parts[i - 1]!.hi);
    expect(parts.at(-1)!.hi).toBeGreaterThan(holding!.hi);
    // Each partition has (node_key, seq) as its own primary key.
    const keys = await rows<{ def: string }>(
      t.database.db,
      sql`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE conrelid = to_regclass(${holding!.name}) AND contype = 'p'`,
    );
    expect(keys.map((k) => k.def)).toEqual(['PRIMARY KEY (node_key, first_seq)']);
  });

  it('closes the current partition after its period: the next run starts the one after', async () => {
    const before = await runWithLines(3);
    await maintainAt(3); // records that the current partition has started (3 days ago)
    const current = (await partitionHolding(t.database.db, before.key))!;
    expect(current.startedAt).not.toBeNull();
    const report = await maintainAt(1); // two days later: a period (one day) has passed
    expect(report.closed).toBe(true);
    expect(report.opened).toBe(1);
    expect(await nextRunKey(t.database.db)).toBe(current.hi);
    const closed = (await livePartitions(t.database.db)).find((p) => p.name === current.name)!;
    expect(closed.closedAt!.getTime()).toBeLessThan(Date.now() - DAY / 2);

    const after = await runWithLines(3);
    expect(after.key).toBe(current.hi);
    const next = (await partitionHolding(t.database.db, after.key))!;
    expect(next.name).not.toBe(current.name);
    expect(await tablesOfLines(t.database.db, after.key)).toEqual([next.name]);
    // A run of the closed partition still running writes on into it.
    expect(await tablesOfLines(t.database.db, before.key)).toEqual([current.name]);
  });

  it('lets several servers maintain at once: each partition is opened once', async () => {
    const copy = await copyTemplate();
    const servers = await Promise.all(Array.from({ length: 4 }, () => openPostgres(copy.url)));
    try {
      const db = servers[0]!.db;
      const before = await livePartitions(db);
      // Far ahead of what is open: every server wants the same partitions at once.
      await db.execute(
        sql.raw(`ALTER SEQUENCE workflow_runs_log_key_seq RESTART WITH ${before.at(-1)!.hi + 50}`),
      );
      for (let round = 0; round < 3; round++) {
        const reports = await Promise.all(
          servers.map((s) => maintainLogPartitions(s.db, new Date(), PERIOD)),
        );
        expect(reports.filter((r) => !r.skipped).length).toBeGreaterThanOrEqual(1);
      }
      const after = await livePartitions(db);
      for (let i = 1; i < after.length; i++) expect(after[i]!.lo).toBe(after[i - 1]!.hi);
      const next = await nextRunKey(db);
      const current = after.filter((p) => p.lo <= next && next < p.hi);
      expect(current).toHaveLength(1);
      // The current one and exactly one after it.
      expect(after.at(-1)!.lo).toBe(current[0]!.hi);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await copy.drop();
    }
  });

  it('opens the partition a new run needs itself when runs outrun the maintainer, once for concurrent runs', async () => {
    const before = await livePartitions(t.database.db);
    await t.database.db.execute(
      sql.raw(`ALTER SEQUENCE workflow_runs_log_key_seq RESTART WITH ${before.at(-1)!.hi + 10}`),
    );
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => runWithLines(5, false, `c${i}`)),
    );
    const after = await livePartitions(t.database.db);
    expect(after).toHaveLength(before.length + 1);
    for (const r of runs) {
      expect(await tablesOfLines(t.database.db, r.key)).toEqual([after.at(-1)!.name]);
    }
  });

  it('reads, filters and searches each run’s lines whichever partition holds them', async () => {
    const first = await runWithLines(30, false, 'alpha');
    await maintainAt(3);
    await maintainAt(1); // closes the partition of `first`
    const second = await runWithLines(30, false, 'beta');
    const [p1, p2] = [
      await tablesOfLines(t.database.db, first.key),
      await tablesOfLines(t.database.db, second.key),
    ];
    expect(p1).toHaveLength(1);
    expect(p2).toHaveLength(1);
    expect(p1[0]).not.toBe(p2[0]);
    for (const [r, word] of [
      [first, 'alpha'],
      [second, 'beta'],
    ] as const) {
      const all = await t.api('admin', 'GET', `/workflows/nodes/runs/${r.work}/logs?limit=100`);
      expect(all.body.total).toBe(30);
      expect(all.body.logs.map((l: { log: string }) => l.log)).toEqual(
        Array.from({ length: 30 }, (_, i) => `${word} ${i + 1}`),
      );
      const warn = await t.api('admin', 'GET', `/workflows/nodes/runs/${r.work}/logs?level=WARN`);
      expect(warn.body.logs.map((l: { log: string }) => l.log)).toEqual([
        `${word} 10`,
        `${word} 20`,
        `${word} 30`,
      ]);
      const found = await t.api(
        'admin',
        'GET',
        `/workflows/nodes/runs/${r.work}/logs?q=${encodeURIComponent(`${word} 2`)}`,
      );
      expect(found.body.total).toBe(11);
      const other = await t.api(
        'admin',
        'GET',
        `/workflows/nodes/runs/${r.work}/logs?q=${word === 'alpha' ? 'beta' : 'alpha'}`,
      );
      expect(other.body.total).toBe(0);
      const run = await t.api('admin', 'GET', `/workflows/runs/${r.run}/logs?limit=100`);
      const messages = run.body.logs.map((l: { log: string }) => l.log) as string[];
      expect(messages.filter((m) => m.startsWith(word))).toHaveLength(30);
      expect(messages.some((m) => m.startsWith(word === 'alpha' ? 'beta' : 'alpha'))).toBe(false);
      const download = await fetch(`${t.baseUrl}/v1/workflows/runs/${r.run}/logs/download`, {
        headers: { authorization: await adminToken(t) },
      });
      const text = await download.text();
      expect(text.split('\n').filter((l) => l.includes(`${word} `))).toHaveLength(30);
    }
  });
});

const adminToken = (t: TestServer) =>
  bearerToken(t.baseUrl, TEST_CREDENTIALS.adminClientId, TEST_CREDENTIALS.adminClientSecret);

describe('retention with log partitions', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ withoutDispatcher: true });
    await createLinearWorkflow(t, 'kept');
  });
  afterAll(async () => t.close());

  async function run(open: boolean, lines = 40) {
    const started = await startRun(t, 'kept');
    const work = nodeRunOf(started, 'work').identifier;
    await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: Array.from({ length: lines }, (_, i) => ({ level: 'INFO', message: `l${i}` })),
    });
    if (!open) await completeNode(t, work);
    const [row] = await selectRows<{ key: number }>(
      t.database.db,
      sql`SELECT log_key AS key FROM workflow_runs WHERE identifier = ${started.identifier}`,
    );
    return { run: started.identifier, work, key: row!.key };
  }
  async function age(runId: string, days: number) {
    const at = new Date(Date.now() - days * DAY).toISOString();
    await t.database.db.execute(
      sql`UPDATE workflow_runs SET created_at = ${at}, updated_at = ${at},
            completed_at = CASE WHEN completed_at IS NULL THEN NULL ELSE ${at}::timestamptz END
          WHERE identifier = ${runId}`,
    );
  }
  const maintainAt = (daysAgo: number) =>
    maintainLogPartitions(t.database.db, new Date(Date.now() - daysAgo * DAY), PERIOD);
  /**
   * A finished run aged 40 days alone in a partition opened `daysAgo` and closed two periods
   * later (the partition the runs before it took is closed first).
   */
  async function expiredPartitionAlone(daysAgo: number) {
    await maintainAt(daysAgo);
    await maintainAt(daysAgo - 2); // closes the partition the runs above took
    const r = await run(false, 5);
    await maintainAt(daysAgo - 4);
    await maintainAt(daysAgo - 6); // closes the partition of r alone
    await age(r.run, 40);
    return { run: r, partition: (await partitionHolding(t.database.db, r.key))! };
  }
  const linesOf = async (key: number) =>
    (
      await selectRows<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM log_lines WHERE run_key = ${key}`,
      )
    )[0]!.n;

  it('drops a partition whose runs all expired, and keeps one with a running run, deleting its expired runs in batches', async () => {
    // Partition P: two runs finished 40 days ago, closed 45 days ago.
    const a1 = await run(false);
    const a2 = await run(false);
    await maintainAt(47);
    await maintainAt(45);
    // Partition Q: one run finished 40 days ago, one still running (started 60 days ago).
    const b1 = await run(false);
    const b2 = await run(true);
    await maintainAt(42);
    await maintainAt(39);
    // The current partition: a recent finished run.
    const c = await run(false);
    for (const r of [a1, a2, b1]) await age(r.run, 40);
    await age(b2.run, 60);
    const p = (await partitionHolding(t.database.db, a1.key))!;
    const q = (await partitionHolding(t.database.db, b1.key))!;
    expect(p.name).not.toBe(q.name);
    expect((await partitionHolding(t.database.db, c.key))!.name).not.toBe(q.name);

    const report = await sweepRetention(t.database.db, new Date(), { days: 30 });
    expect(report).toMatchObject({
      logPartitions: 1,
      workflowRuns: 3,
      logLines: 40,
      skipped: false,
    });
    expect(await tableExists(t.database.db, p.name)).toBe(false);
    const [record] = await selectRows<{ dropped: string | null }>(
      t.database.db,
      sql`SELECT dropped_at AS dropped FROM log_partitions WHERE name = ${p.name}`,
    );
    expect(record!.dropped).not.toBeNull();
    for (const gone of [a1, a2, b1]) {
      expect((await t.api('admin', 'GET', `/workflows/runs/${gone.run}`)).status).toBe(404);
      expect(await linesOf(gone.key)).toBe(0);
    }
    // Q stays for its running run, which reads and writes on; the recent run is untouched.
    expect(await tableExists(t.database.db, q.name)).toBe(true);
    expect(await linesOf(b2.key)).toBe(40);
    const more = await t.api('admin', 'POST', `/workflows/nodes/runs/${b2.work}/logs`, {
      logs: [{ level: 'INFO', message: 'still here' }],
    });
    expect(more.status).toBeLessThan(300);
    const logs = await t.api(
      'admin',
      'GET',
      `/workflows/nodes/runs/${b2.work}/logs?tail=true&limit=1`,
    );
    expect(logs.body.logs.map((l: { log: string }) => l.log)).toEqual(['still here']);
    expect(await linesOf(c.key)).toBe(40);

    // Once its last run has finished and expired, Q goes too.
    await completeNode(t, b2.work);
    await age(b2.run, 35);
    const later = await sweepRetention(t.database.db, new Date(), { days: 30 });
    expect(later).toMatchObject({ logPartitions: 1, workflowRuns: 1, logLines: 0 });
    expect(await tableExists(t.database.db, q.name)).toBe(false);
    expect((await t.api('admin', 'GET', `/workflows/runs/${c.run}`)).status).toBe(200);
  });

  it('finishes a detach left pending by a sweep cut short', async () => {
    // A partition of its own: the current one (holding the recent run above) is closed first.
    await maintainAt(55);
    await maintainAt(53);
    const r = await run(false, 5);
    await maintainAt(50);
    await maintainAt(48);
    await age(r.run, 40);
    const p = (await partitionHolding(t.database.db, r.key))!;
    await leaveDetachPending(t.database.db, p.name);
    const [pending] = await selectRows<{ pending: boolean }>(
      t.database.db,
      sql`SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = to_regclass(${p.name})`,
    );
    expect(pending?.pending).toBe(true);

    const report = await sweepRetention(t.database.db, new Date(), { days: 30 });
    expect(report).toMatchObject({ logPartitions: 1, workflowRuns: 1 });
    expect(await tableExists(t.database.db, p.name)).toBe(false);
  });

  it('keeps taking and serving lines while a detach waits for an old reader', async () => {
    const r = await run(false, 5);
    await maintainAt(70);
    await maintainAt(68); // closes the partition of r alone
    const live = await run(true, 5);
    await age(r.run, 40);
    const p = (await partitionHolding(t.database.db, r.key))!;
    const reader = await holdReader(t.database.db);
    let swept = false;
    const sweep = sweepRetention(t.database.db, new Date(), { days: 30, lockTimeoutMs: 20_000 });
    void sweep.then(() => (swept = true));
    // The detach has begun (the partition is pending) and waits for the reader …
    for (;;) {
      const [row] = await selectRows<{ pending: boolean | null }>(
        t.database.db,
        sql`SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = to_regclass(${p.name})`,
      );
      if (row?.pending) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // … while lines go on being written and read.
    const written = await t.api('admin', 'POST', `/workflows/nodes/runs/${live.work}/logs`, {
      logs: [{ level: 'INFO', message: 'written during the detach' }],
    });
    expect(written.status).toBeLessThan(300);
    const read = await t.api(
      'admin',
      'GET',
      `/workflows/nodes/runs/${live.work}/logs?tail=true&limit=1`,
    );
    expect(read.body.logs.map((l: { log: string }) => l.log)).toEqual([
      'written during the detach',
    ]);
    expect(swept).toBe(false);
    await reader.finish();
    expect(await sweep).toMatchObject({ logPartitions: 1 });
    expect(await tableExists(t.database.db, p.name)).toBe(false);
  });

  it('starts a run while a sweep finishes a pending detach behind an old reader, with every open run key taken', async () => {
    const { partition: p } = await expiredPartitionAlone(66);
    // A detach cut short (as a sweep's lock timeout leaves it): the next sweep finishes it with
    // FINALIZE, which holds log_blocks' SHARE UPDATE EXCLUSIVE lock while it waits for every
    // older snapshot (below: a REPEATABLE READ transaction), so an ATTACH (opening a partition)
    // would wait behind it.
    await leaveDetachPending(t.database.db, p.name);
    // The runs so far took every key of the open partitions: the next run's key has none yet.
    const top = (await livePartitions(t.database.db)).at(-1)!.hi;
    await t.database.db.execute(
      sql.raw(`ALTER SEQUENCE workflow_runs_log_key_seq RESTART WITH ${top}`),
    );

    const reader = await holdSnapshot(t.database.db);
    let swept = false;
    const sweep = sweepRetention(t.database.db, new Date(), { days: 30, lockTimeoutMs: 20_000 });
    void sweep.then(() => (swept = true));
    try {
      await until('the sweep’s FINALIZE waits', async () => {
        const [row] = await selectRows<{ n: number }>(
          t.database.db,
          sql`SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE query LIKE '%DETACH PARTITION%FINALIZE%' AND wait_event_type IS NOT NULL
                AND state = 'active' AND pid <> pg_backend_pid()`,
        );
        return row!.n > 0;
      });
      // A person starts a run meanwhile: it starts, and takes its lines.
      const started = await run(true, 3);
      expect(started.key).toBeGreaterThanOrEqual(top);
      expect(await linesOf(started.key)).toBe(3);
      expect(swept).toBe(false);
    } finally {
      await reader.finish();
    }
    expect(await sweep).toMatchObject({ logPartitions: 1 });
    expect(await tableExists(t.database.db, p.name)).toBe(false);
  });

  /**
   * Inserts `n` runs of `like`'s workflow, each by its own statement (as the API does: the
   * trigger on workflow_runs runs once per statement), `connections` at a time.
   */
  async function insertRuns(like: string, n: number, tag: string, connections = 4) {
    let made = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (made < n) {
          const i = made++;
          await t.database.db.execute(
            sql`INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status,
                  created_by, created_at, updated_at)
                SELECT ${`wfr_${tag}_${i}`}, workflow_identifier, workflow_version, 'IN_PROGRESS',
                  created_by, now(), now()
                FROM workflow_runs WHERE identifier = ${like}`,
          );
        }
      }),
    );
  }

  /** The backend running a DETACH … FINALIZE that waits (for a lock or an older snapshot). */
  async function waitingFinalize() {
    const [row] = await selectRows<{ pid: number }>(
      t.database.db,
      sql`SELECT pid FROM pg_stat_activity
          WHERE query LIKE '%DETACH PARTITION%FINALIZE%' AND wait_event_type IS NOT NULL
            AND state = 'active' AND pid <> pg_backend_pid()`,
    );
    return row?.pid;
  }

  /** Whether backend `pid` holds a lock on log_blocks (the parent). */
  async function holdsParentLock(pid: number) {
    const [row] = await selectRows<{ held: boolean }>(
      t.database.db,
      sql`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = ${pid} AND granted
            AND locktype = 'relation' AND relation = 'log_blocks'::regclass) AS held`,
    );
    return row!.held;
  }

  /**
   * Samples, until stopped, the most backends seen waiting on backend `pid` at once
   * (pg_blocking_pids: a lock it holds or waits ahead for).
   */
  function watchWaitsOn(pid: number) {
    let stopped = false;
    let most = 0;
    let samples = 0;
    let failed: unknown = null;
    const sampling = (async () => {
      while (!stopped) {
        const [row] = await selectRows<{ n: number }>(
          t.database.db,
          sql`SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE ${pid} = ANY (pg_blocking_pids(pid))`,
        );
        most = Math.max(most, row!.n);
        samples++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })().catch((err: unknown) => {
      // Also when the test failed and its database was closed under it.
      failed = err;
    });
    return {
      stop: async () => {
        stopped = true;
        await sampling;
        if (failed) throw failed;
        return { most, samples };
      },
    };
  }

  /** A finished run aged 40 days alone in a closed partition, whose detach was cut short. */
  async function expiredPartitionPendingDetach(daysAgo: number) {
    const expired = await expiredPartitionAlone(daysAgo);
    await leaveDetachPending(t.database.db, expired.partition.name);
    return expired;
  }

  it('finishes a detach left pending before detaching an older partition (PostgreSQL has one pending at a time)', async () => {
    const older = await expiredPartitionPendingDetach(130);
    const { partition: newer } = await expiredPartitionAlone(124);
    expect(newer.lo).toBeGreaterThan(older.partition.lo);
    // The older partition's detach went through; the newer one's is cut short.
    await withSession(t.database.db, (q) =>
      q(`ALTER TABLE log_blocks DETACH PARTITION "${older.partition.name}" FINALIZE`),
    );
    await leaveDetachPending(t.database.db, newer.name);
    // An expired partition below the pending one, still attached: a third.
    const [third] = await selectRows<{ name: string }>(
      t.database.db,
      sql`SELECT p.name FROM log_partitions p JOIN pg_inherits i ON i.inhrelid = to_regclass(p.name)
          WHERE p.dropped_at IS NULL AND p.lo < ${newer.lo} AND p.closed_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.log_key >= p.lo AND r.log_key < p.hi)
          ORDER BY p.lo LIMIT 1`,
    );
    expect(third).toBeDefined();
    const report = await sweepRetention(t.database.db, new Date(), { days: 30 });
    expect(report.logPartitions).toBeGreaterThanOrEqual(3);
    for (const name of [older.partition.name, newer.name, third!.name]) {
      expect(await tableExists(t.database.db, name)).toBe(false);
    }
  });

  it('gives way when runs outrun the keys open ahead while a detach holds log_blocks’ lock: the runs past them start without waiting', async () => {
    const { partition } = await expiredPartitionPendingDetach(110);
    const like = (await run(true, 1)).run;
    const reader = await holdSnapshot(t.database.db);
    const sweep = sweepRetention(t.database.db, new Date(), { days: 30, lockTimeoutMs: 120_000 });
    try {
      const pid = await until('the sweep’s FINALIZE waits', waitingFinalize);
      const waits = watchWaitsOn(pid);
      // A burst of runs takes all but 200 of the keys open ahead (a quarter of them at least
      // stay open, so none of these needs a partition opened) …
      const [ahead] = await selectRows<{ n: number }>(
        t.database.db,
        sql`SELECT (SELECT max(hi) FROM log_partitions WHERE dropped_at IS NULL)
                   - (SELECT last_value + 1 FROM workflow_runs_log_key_seq) AS n`,
      );
      await insertRuns(like, ahead!.n - 200, 'burst');
      // … and the detach gives way (left pending), although the old snapshot is still there.
      expect(await sweep).toMatchObject({ logPartitions: 0, skipped: false });
      expect((await waits.stop()).most).toBe(0);
      const [pending] = await selectRows<{ pending: boolean }>(
        t.database.db,
        sql`SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = to_regclass(${partition.name})`,
      );
      expect(pending?.pending).toBe(true);
      // The runs after them need a partition opened, and get it.
      await insertRuns(like, 500, 'after');
      const started = await run(true, 3);
      expect(await linesOf(started.key)).toBe(3);
    } finally {
      await reader.finish();
    }
    // The next sweep finishes the detach (and drops the partition skipped above, whose keys no
    // run took).
    const next = await sweepRetention(t.database.db, new Date(), { days: 30 });
    expect(next.logPartitions).toBeGreaterThanOrEqual(1);
    expect(await tableExists(t.database.db, partition.name)).toBe(false);
  }, 180_000);

  it('starts 1 200 runs while a detach holds log_blocks’ lock, none of them waiting on it: the keys open ahead follow the recent run rate', async () => {
    const { partition } = await expiredPartitionPendingDetach(90);
    const like = (await run(true, 1)).run;
    // 3 000 runs started in the last minutes: the sweep keeps as many keys open ahead.
    await t.database.db.execute(
      sql`INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status,
            created_by, created_at, updated_at)
          SELECT 'wfr_recent_' || n, workflow_identifier, workflow_version, 'IN_PROGRESS',
            created_by, now(), now()
          FROM workflow_runs, generate_series(1, 3000) n WHERE identifier = ${like}`,
    );

    // FINALIZE holds log_blocks' lock while it waits for this older snapshot.
    const reader = await holdSnapshot(t.database.db);
    let swept = false;
    const sweep = sweepRetention(t.database.db, new Date(), { days: 30, lockTimeoutMs: 120_000 });
    void sweep.then(() => (swept = true));
    try {
      const pid = await until('the sweep’s FINALIZE waits', waitingFinalize);
      expect(await holdsParentLock(pid)).toBe(true);
      const waits = watchWaitsOn(pid);
      await insertRuns(like, 1_200, 'during');
      // And through the API, with lines.
      const started = await Promise.all(Array.from({ length: 5 }, () => run(true, 3)));
      const seen = await waits.stop();
      expect(seen.samples).toBeGreaterThan(0);
      expect(seen.most).toBe(0);
      for (const r of started) expect(await linesOf(r.key)).toBe(3);
      // All that while the detach went on waiting, holding its lock.
      expect(await waitingFinalize()).toBe(pid);
      expect(await holdsParentLock(pid)).toBe(true);
      expect(swept).toBe(false);
    } finally {
      await reader.finish();
    }
    expect((await sweep).logPartitions).toBeGreaterThanOrEqual(1);
    expect(await tableExists(t.database.db, partition.name)).toBe(false);
  }, 180_000);
});
