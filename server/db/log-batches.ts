import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { LogLevel } from '../../contract/workflows';
import type { Role } from '../../contract/auth';
import { selectRows, type Db, type Tx } from './client';

/**
 * Queries of the log ingest: several requests' batches of lines written by one transaction of
 * two round trips on one pooled connection — `BEGIN` and the lock in one simple query, the
 * insert and `COMMIT` in another. Values are inlined as escaped literals (a simple query takes
 * no parameters); each statement still runs with its own snapshot, so the insert sees what
 * committed before the lock was granted.
 */

export interface LogInput {
  level: LogLevel;
  message: string;
  tags?: Record<string, string> | undefined;
}

/** A node run's batch of lines, in the order the batches were received. */
export interface LogBatchRow {
  nodeRun: string;
  lines: LogInput[];
  at: Date;
}

/** The run owning a node run, as a log append checks it (no inputs, no outputs). */
export interface LockedRunOfNodeRun {
  nodeRun: string;
  run: string;
  allowAnyoneToView: boolean;
  createdBy: string;
}

/** An access token's row and its user, whatever their state (the caller applies the rule). */
export interface TokenHolder {
  hash: string;
  expiresAt: number;
  id: string;
  email: string;
  role: Role;
  active: boolean;
}

/** What an append statement wrote: its line count and the node runs it wrote to. */
export interface Appended {
  written: number;
  nodeRuns: Set<string>;
}

/** The database answered with an error: the statement (and the transaction) did not commit. */
export const refusedByDatabase = (error: unknown) => error instanceof pg.DatabaseError;

/**
 * A string as a dollar-quoted SQL literal, whose text is taken as it is (no escaping to do over
 * a batch's ~10 KB), with a tag the text does not hold: a random one, checked with one scan (a
 * counted `$L0$`, `$L1$`… let a body full of those tags cost one scan per tag, quadratic in the
 * caller's text). Another draw is needed only if the text holds that very tag.
 */
function quoted(text: string) {
  let tag: string;
  do tag = `$L${randomBytes(8).toString('hex')}$`;
  while (text.includes(tag));
  return `${tag}${text}${tag}`;
}

/** A text[] literal: PostgreSQL's array form, quoted as a SQL string. */
const textArray = (items: (string | null)[]) => `${quoted(pgArray(items))}::text[]`;
const intArray = (xs: number[]) => `'{${xs.join(',')}}'::int[]`;

/**
 * Locks the runs owning these node runs (FOR UPDATE, in identifier order, so two such
 * transactions never wait on each other in a cycle, and run before node run as every other
 * writer locks them) and reads the access tokens with these hashes and their users.
 */
function lockStatement(nodeRuns: string[], tokenHashes: string[]) {
  return `
    WITH locked AS (
      SELECT nr.identifier AS "nodeRun", r.identifier AS run,
        r.allow_anyone_to_view AS "allowAnyoneToView", r.created_by AS "createdBy"
      FROM workflow_runs r JOIN node_runs nr ON nr.workflow_run_identifier = r.identifier
      WHERE nr.identifier = ANY(${textArray(nodeRuns)})
      ORDER BY r.identifier
      FOR UPDATE OF r),
    holders AS (
      SELECT t.token_hash AS hash, extract(epoch FROM t.expires_at) * 1000 AS "expiresAt",
        u.id, u.email, u.role, u.status = 'ACTIVE' AS active
      FROM access_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ANY(${textArray(tokenHashes)})
      -- Locked, so a token or user changed while this waited for a run's lock is read as it is
      -- now (a revoked token drops out), and a revocation waits for the writes in flight.
      FOR SHARE OF t, u)
    SELECT (SELECT coalesce(json_agg(locked), '[]') FROM locked) AS runs,
      (SELECT coalesce(json_agg(holders), '[]') FROM holders) AS holders`;
}

/**
 * Appends batches of lines in one statement: each node run's and each run's counters move once,
 * and every batch takes the numbers after the batches before it (in `batches` order) on its node
 * run and on its run, so numbering stays gap-free and in order. The caller holds the runs' row
 * locks. With `onlyOpen`, batches of a node run that has completed are skipped (nothing of them
 * is written; the rule of assertNodeRunOpen). Answers `written` and `nodeRuns` (see Appended).
 */
function appendStatement(batches: LogBatchRow[], onlyOpen: boolean) {
  const lines = batches.flatMap((b) => b.lines);
  const counts = batches.map((b) => {
    const c = { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 };
    for (const line of b.lines) c[line.level]++;
    return c;
  });
  // `batch` and `pos` say which batch (1-based, as WITH ORDINALITY counts) each line is and where
  // in it. The target is named, not hard-wired to a partition: node_run_lines routes the rows.
  return `
    WITH b AS (
      SELECT * FROM unnest(${textArray(batches.map((x) => x.nodeRun))},
          ${intArray(batches.map((x) => x.lines.length))},
          ${intArray(counts.map((c) => c.DEBUG))}, ${intArray(counts.map((c) => c.INFO))},
          ${intArray(counts.map((c) => c.WARN))}, ${intArray(counts.map((c) => c.ERROR))},
          ${textArray(batches.map((x) => x.at.toISOString()))}::timestamptz[])
        WITH ORDINALITY AS b(node, n, d, i, w, e, at, ord)),
    per_node AS (
      SELECT node, sum(n)::int AS n, sum(d)::int AS d, sum(i)::int AS i, sum(w)::int AS w,
        sum(e)::int AS e, max(at) AS at
      FROM b GROUP BY node),
    node AS (
      UPDATE node_runs nr SET log_seq = nr.log_seq + p.n,
        debug_count = nr.debug_count + p.d, info_count = nr.info_count + p.i,
        warn_count = nr.warn_count + p.w, error_count = nr.error_count + p.e, updated_at = p.at
      FROM per_node p
      WHERE nr.identifier = p.node ${onlyOpen ? `AND nr.status <> 'COMPLETED'` : ''}
      RETURNING nr.identifier, nr.log_seq - p.n AS base, nr.log_key AS key,
        nr.workflow_run_identifier AS run),
    per_run AS (
      SELECT node.run, sum(b.n)::int AS n, max(b.at) AS at
      FROM b JOIN node ON node.identifier = b.node GROUP BY node.run),
    wfr AS (
      UPDATE workflow_runs r SET log_seq = r.log_seq + p.n, updated_at = p.at
      FROM per_run p WHERE r.identifier = p.run
      RETURNING r.identifier, r.log_seq - p.n AS base, r.log_key AS key),
    placed AS (
      SELECT b.ord, b.at, node.key AS node_key, wfr.key AS run_key,
        node.base + sum(b.n) OVER (PARTITION BY b.node ORDER BY b.ord) - b.n AS node_base,
        wfr.base + sum(b.n) OVER (PARTITION BY node.run ORDER BY b.ord) - b.n AS run_base
      FROM b JOIN node ON node.identifier = b.node JOIN wfr ON wfr.identifier = node.run),
    inserted AS (
      INSERT INTO node_run_lines (node_key, seq, run_key, run_seq, level, message, tags, created_at)
      SELECT p.node_key, p.node_base + l.pos, p.run_key, p.run_base + l.pos,
        l.level, l.message, l.tags, p.at
      FROM unnest(${intArray(batches.flatMap((x, k) => x.lines.map(() => k + 1)))},
             ${intArray(batches.flatMap((x) => x.lines.map((_, k) => k + 1)))},
             ${textArray(lines.map((l) => l.level))},
             ${textArray(lines.map((l) => l.message))},
             ${textArray(lines.map((l) => (l.tags ? JSON.stringify(l.tags) : null)))}::jsonb[])
          AS l(batch, pos, level, message, tags)
        JOIN placed p ON p.ord = l.batch
      RETURNING 1)
    SELECT (SELECT count(*) FROM inserted)::int AS written,
      (SELECT coalesce(array_agg(identifier), '{}') FROM node) AS "nodeRuns"`;
}

const appended = (row: { written: number; nodeRuns: string[] } | undefined): Appended => ({
  written: row?.written ?? 0,
  nodeRuns: new Set(row?.nodeRuns ?? []),
});

/** Appends batches inside the caller's transaction (which holds the runs' locks). */
export async function appendLogBatches(
  tx: Tx,
  batches: LogBatchRow[],
  { onlyOpen }: { onlyOpen: boolean },
): Promise<Appended> {
  const [row] = await selectRows<{ written: number; nodeRuns: string[] }>(
    tx,
    sql.raw(appendStatement(batches, onlyOpen)),
  );
  return appended(row);
}

/** The rows of a simple query's `n`th statement (the driver answers an array for several). */
const rowsOf = <T>(result: pg.QueryResult | pg.QueryResult[], n: number) =>
  (Array.isArray(result) ? result[n]! : result).rows as T[];

/**
 * A pooled connection of the log ingest, for one transaction after another: `lock` begins one,
 * `commit` writes and ends it, `reset` rolls back one a failure left open.
 */
export class LogConnection {
  private inTransaction = false;

  private constructor(private readonly client: pg.PoolClient) {}

  static async open(db: Db) {
    // The pool drizzle was opened on (openPostgres); the ingest needs its simple queries.
    const pool = (db as unknown as { $client: pg.Pool }).$client;
    return new LogConnection(await pool.connect());
  }

  /** BEGIN, then lockStatement, in one round trip. */
  async lock(nodeRuns: string[], tokenHashes: string[]) {
    this.inTransaction = true;
    const result = await this.client.query(`BEGIN; ${lockStatement(nodeRuns, tokenHashes)}`);
    const [row] = rowsOf<{ runs: LockedRunOfNodeRun[]; holders: TokenHolder[] }>(result, 1);
    return { runs: row?.runs ?? [], holders: row?.holders ?? [] };
  }

  /** appendStatement (when there is anything to write), then COMMIT, in one round trip. */
  async commit(batches: LogBatchRow[]): Promise<Appended> {
    const statement = batches.length ? `${appendStatement(batches, true)}; COMMIT` : 'COMMIT';
    const result = await this.client.query(statement);
    this.inTransaction = false;
    return appended(
      batches.length ? rowsOf<{ written: number; nodeRuns: string[] }>(result, 0)[0] : undefined,
    );
  }

  /** Rolls back what a failure left open; false when the connection itself is lost. */
  async reset(): Promise<boolean> {
    if (!this.inTransaction) return true;
    try {
      await this.client.query('ROLLBACK');
      this.inTransaction = false;
      return true;
    } catch {
      return false;
    }
  }

  /** Back to the pool, or closed when it was lost. */
  release(lost: boolean) {
    this.client.release(lost || undefined);
  }
}

/** PostgreSQL's array literal form of a text[]: each element quoted, `"` and `\\` escaped. */
function pgArray(items: (string | null)[]) {
  const element = (v: string | null) =>
    v === null ? 'NULL' : `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  return `{${items.map(element).join(',')}}`;
}
