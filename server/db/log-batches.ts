import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { LogLevel } from '../../contract/workflows';
import type { Role } from '../../contract/auth';
import { selectRows, type Db, type Tx } from './client';
import { BLOCK_LINES } from './log-blocks';

/**
 * Queries of the log ingest: several requests' batches of lines written by one transaction of
 * two round trips on one pooled connection — `BEGIN`, the lock and the read of the log counters
 * in one, the write and `COMMIT` in another — all five statements prepared once per connection,
 * their values passed as array parameters (the per-line ones in PostgreSQL's binary form). Each
 * statement runs with its own snapshot, so the counters read after the lock was granted are
 * the ones every earlier writer of those runs committed.
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

/** An element of a text[] literal: quoted, `"` and `\\` escaped. */
const arrayElement = (v: string) => `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;

/** PostgreSQL's array literal form of a text[]: each element quoted, `"` and `\\` escaped. */
function pgArray(items: string[]) {
  return `{${items.map(arrayElement).join(',')}}`;
}
const intArray = (xs: number[]) => `{${xs.join(',')}}`;
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * Locks the runs owning the node runs $1 (FOR UPDATE, in identifier order, so two such
 * transactions never wait on each other in a cycle, and run before node run as every other
 * writer locks them) and reads the access tokens with the hashes $2 and their users.
 */
const LOCK = `
    WITH locked AS (
      SELECT nr.identifier AS "nodeRun", r.identifier AS run,
        r.allow_anyone_to_view AS "allowAnyoneToView", r.created_by AS "createdBy"
      FROM workflow_runs r JOIN node_runs nr ON nr.workflow_run_identifier = r.identifier
      WHERE nr.identifier = ANY($1::text[])
      ORDER BY r.identifier
      FOR UPDATE OF r),
    holders AS (
      SELECT t.token_hash AS hash, extract(epoch FROM t.expires_at) * 1000 AS "expiresAt",
        u.id, u.email, u.role, u.status = 'ACTIVE' AS active
      FROM access_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ANY($2::text[])
      -- Locked, so a token or user changed while this waited for a run's lock is read as it is
      -- now (a revoked token drops out), and a revocation waits for the writes in flight.
      FOR SHARE OF t, u)
    SELECT (SELECT coalesce(json_agg(locked), '[]') FROM locked) AS runs,
      (SELECT coalesce(json_agg(holders), '[]') FROM holders) AS holders`;

/**
 * Appends batches of lines in one statement: each node run's and each run's counters move once,
 * and every batch takes the numbers after the batches before it (in the arrays' order) on its
 * node run and on its run, so numbering stays gap-free and in order. The caller holds the runs'
 * row locks. With `onlyOpen`, batches of a node run that has completed are skipped (nothing of
 * them is written; the rule of assertNodeRunOpen). Answers `written` and `nodeRuns` (see
 * Appended). Per batch: $1 node run, $2 line count, $3–$6 DEBUG/INFO/WARN/ERROR counts, $7 time;
 * per line: $8 its batch (1-based, as WITH ORDINALITY counts), $9 its place in it, $10 level,
 * $11 message, $12 tags. Each batch is one block of log_blocks (schema.ts), which routes it to
 * its run's partition.
 */
const appendSql = (onlyOpen: boolean) => `
    WITH b AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[],
          $7::timestamptz[])
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
      SELECT b.ord, b.n, b.at, node.key AS node_key, wfr.key AS run_key,
        node.base + sum(b.n) OVER (PARTITION BY b.node ORDER BY b.ord) - b.n AS node_base,
        wfr.base + sum(b.n) OVER (PARTITION BY node.run ORDER BY b.ord) - b.n AS run_base
      FROM b JOIN node ON node.identifier = b.node JOIN wfr ON wfr.identifier = node.run),
    -- Each batch one block of log_blocks (cut every BLOCK_LINES lines), in the order sent (the
    -- blocks' ids rising).
    inserted AS (
      INSERT INTO log_blocks (node_key, first_seq, last_seq, run_key, run_seq, created_at, levels,
        messages, tags)
      SELECT p.node_key, p.node_base + min(l.pos), p.node_base + max(l.pos), p.run_key,
        p.run_base + min(l.pos), p.at, string_agg(left(l.level, 1), '' ORDER BY l.pos), array_agg(l.message ORDER BY l.pos),
        CASE WHEN bool_or(l.tags IS NOT NULL) THEN array_agg(l.tags ORDER BY l.pos) END
      FROM unnest($8::int[], $9::int[], $10::text[], $11::text[], $12::jsonb[])
          AS l(batch, pos, level, message, tags)
        JOIN placed p ON p.ord = l.batch
      GROUP BY p.ord, (l.pos - 1) / ${BLOCK_LINES}, p.node_key, p.node_base, p.run_key,
        p.run_base, p.at
      ORDER BY p.ord, (l.pos - 1) / ${BLOCK_LINES}),
    -- Each batch is a stretch of its run's lines on one node run (db/log-segments.ts).
    segments AS (
      INSERT INTO log_segments (run_key, run_seq, node_key, seq, lines)
      SELECT run_key, run_base + 1, node_key, node_base + 1, n FROM placed WHERE n > 0)
    -- Every line of a placed batch is inserted (or the statement fails): no need to count them.
    SELECT (SELECT coalesce(sum(n), 0) FROM placed)::int AS written,
      (SELECT coalesce(json_agg(identifier), '[]') FROM node) AS "nodeRuns"`;

const APPEND = appendSql(false);
const APPEND_OPEN = appendSql(true);

/**
 * The log counters of the node runs $1 and of their runs, read by the ingest after LOCK (so
 * with a snapshot taken once the runs' locks were granted): each node run's key, `log_seq` and
 * whether it is still open, its run's key and `log_seq`.
 */
const COUNTERS = `
    SELECT nr.identifier, nr.log_key, nr.log_seq, nr.status <> 'COMPLETED', r.log_key, r.log_seq
    FROM node_runs nr JOIN workflow_runs r ON r.identifier = nr.workflow_run_identifier
    WHERE nr.identifier = ANY($1::text[])`;

/**
 * The ingest's write: every line numbered by the server from the counters it read under the
 * runs' locks (COUNTERS), so the insert is a plain scan of the line arrays — no join back to the
 * counters, no sort, the rows in the order sent (indexes fed in order stay dense) — beside one
 * update of each node run's and each run's counters. Those updates are guarded: a node run
 * that completed, or a counter that moved since it was read (a writer that did not take the
 * run's lock first), updates nothing, and the statement then fails on purpose (the text cast
 * below), so nothing of this write commits and the caller writes each batch again alone.
 *
 * Per node run: $1 key, $2 log_seq read, $3 lines, $4–$7 DEBUG/INFO/WARN/ERROR, $8 time; per
 * run: $9 key, $10 log_seq read, $11 lines, $12 time; per batch (one block of log_blocks each):
 * $13 node key, $14 its seq before its first line, $15 run key, $16 run seq before it, $17 time,
 * $18 lines, $19 levels (a letter a line, binary), $20 its first line's place in the line arrays,
 * $21 whether a line of it has tags; per line (binary arrays): $22 message, $23 tags (empty when no
 * batch has any); per segment (db/log-segments.ts: consecutive batches of one node run that
 * follow each other in the run too are one): $24 run key, $25 its first line's run_seq, $26 node
 * key, $27 its first line's seq, $28 lines. A subscript of an int or timestamptz array is a direct
 * offset, not a walk; a slice of the message array walks to its start (a few hundred batches a
 * write at most).
 */
const WRITE = `
    WITH node AS (
      UPDATE node_runs nr SET log_seq = nr.log_seq + c.n,
        debug_count = nr.debug_count + c.d, info_count = nr.info_count + c.i,
        warn_count = nr.warn_count + c.w, error_count = nr.error_count + c.e, updated_at = c.at
      FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[],
          $8::timestamptz[]) AS c(key, seq, n, d, i, w, e, at)
      WHERE nr.log_key = c.key AND nr.log_seq = c.seq AND nr.status <> 'COMPLETED'
      RETURNING 1),
    run AS (
      UPDATE workflow_runs r SET log_seq = r.log_seq + c.n, updated_at = c.at
      FROM unnest($9::int[], $10::int[], $11::int[], $12::timestamptz[]) AS c(key, seq, n, at)
      WHERE r.log_key = c.key AND r.log_seq = c.seq
      RETURNING 1),
    blocks AS (
      INSERT INTO log_blocks (node_key, first_seq, last_seq, run_key, run_seq, created_at, levels,
        messages, tags)
      SELECT b.node, b.seq + 1, b.seq + b.n, b.run, b.run_seq + 1, b.at, b.levels,
        ($22::text[])[b.lo:b.lo + b.n - 1],
        CASE WHEN b.tagged THEN ($23::jsonb[])[b.lo:b.lo + b.n - 1] END
      FROM unnest($13::int[], $14::int[], $15::int[], $16::int[], $17::timestamptz[], $18::int[],
          $19::text[], $20::int[], $21::bool[])
        AS b(node, seq, run, run_seq, at, n, levels, lo, tagged)),
    segments AS (
      INSERT INTO log_segments (run_key, run_seq, node_key, seq, lines)
      SELECT * FROM unnest($24::int[], $25::int[], $26::int[], $27::int[], $28::int[]))
    SELECT CASE
      WHEN (SELECT count(*) FROM node) = cardinality($1::int[])
        AND (SELECT count(*) FROM run) = cardinality($9::int[]) THEN 0
      ELSE ('a node run completed or its log counters moved during the log write: '
        || (SELECT count(*) FROM node) || ' of ' || cardinality($1::int[]) || ' node runs, '
        || (SELECT count(*) FROM run) || ' of ' || cardinality($9::int[]) || ' runs')::int
    END`;

/** PostgreSQL's binary array header: one dimension, `n` elements of type `oid`, from 1. */
function arrayHeader(buffer: Buffer, n: number, oid: number, nulls: boolean) {
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(nulls ? 1 : 0, 4);
  buffer.writeInt32BE(oid, 8);
  buffer.writeInt32BE(n, 12);
  buffer.writeInt32BE(1, 16);
  return 20;
}
const INT4 = 23;
const TEXT = 25;
const JSONB = 3802;

/** An int4[] in binary form (array_recv): the header, then each element's length (4) and value. */
export function binaryInt4Array(values: ArrayLike<number>): Buffer {
  const buffer = Buffer.allocUnsafe(20 + values.length * 8);
  let o = arrayHeader(buffer, values.length, INT4, false);
  for (let k = 0; k < values.length; k++) {
    o = buffer.writeInt32BE(4, o);
    o = buffer.writeInt32BE(values[k]!, o);
  }
  return buffer;
}

/**
 * A text[] (or, with `jsonb`, a jsonb[]: each element its version byte 1 and the JSON text) in
 * binary form; `null` elements are SQL NULLs. Strings are written as UTF-8 straight into one
 * buffer (no quoting or escaping, which the text form needs and PostgreSQL's array_in then undoes
 * character by character).
 */
export function binaryTextArray(values: readonly (string | null)[], jsonb = false): Buffer {
  if (!values.includes(null)) {
    const ascii = asciiTextArray(values as readonly string[], jsonb);
    if (ascii) return ascii;
  }
  let room = 20;
  let nulls = false;
  for (const v of values) {
    if (v === null) nulls = true;
    // At most 3 bytes of UTF-8 per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    else room += 4 + (jsonb ? 1 : 0) + v.length * 3;
    room += 4;
  }
  const buffer = Buffer.allocUnsafe(room);
  let o = arrayHeader(buffer, values.length, jsonb ? JSONB : TEXT, nulls);
  for (const v of values) {
    if (v === null) {
      o = buffer.writeInt32BE(-1, o);
      continue;
    }
    let at = o + 4;
    if (jsonb) buffer[at++] = 1;
    at += buffer.write(v, at, 'utf8');
    buffer.writeInt32BE(at - o - 4, o);
    o = at;
  }
  return buffer.subarray(0, o);
}

/**
 * binaryTextArray for elements all of ASCII (a log line's level, most messages), or null: each
 * element's length, version byte and text as characters of one string written by one call
 * (latin1: a character a byte, and ASCII's bytes are its UTF-8), where a write a string cost a
 * call each (~2.3× the CPU a line). ASCII is told by one UTF-8 length of all the text: any other
 * character takes two bytes or more.
 */
function asciiTextArray(values: readonly string[], jsonb: boolean): Buffer | null {
  const text = values.join('');
  if (Buffer.byteLength(text, 'utf8') !== text.length) return null;
  const version = jsonb ? '\x01' : '';
  let stream = '';
  for (const v of values) {
    const n = v.length + version.length;
    stream += String.fromCharCode(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
    stream += version + v;
  }
  const buffer = Buffer.allocUnsafe(20 + stream.length);
  buffer.write(stream, arrayHeader(buffer, values.length, jsonb ? JSONB : TEXT, false), 'latin1');
  return buffer;
}

/** A node run's log counters as COUNTERS read them. */
interface Counters {
  nodeKey: number;
  seq: number;
  open: boolean;
  runKey: number;
  runSeq: number;
}

/**
 * WRITE's parameters for the batches of open node runs, numbered from `counters` (in the order
 * given: each batch after the batches before it on its node run and on its run), built in one
 * pass over the lines. Answers the parameters and the node runs written (none of a batch whose
 * node run is unknown to `counters` or completed).
 */
export function writeValues(batches: LogBatchRow[], counters: Map<string, Counters>) {
  const nodes = new Map<
    string,
    { key: number; seq: number; n: number; c: Record<LogLevel, number>; at: Date }
  >();
  const runs = new Map<number, { seq: number; n: number; at: Date }>();
  const batch = {
    node: [] as number[],
    seq: [] as number[],
    run: [] as number[],
    runSeq: [] as number[],
    at: [] as string[],
  };
  const segments: { run: number; runSeq: number; node: number; seq: number; lines: number }[] = [];
  let lineCount = 0;
  const written = batches.filter((b) => counters.get(b.nodeRun)?.open && b.lines.length > 0);
  for (const b of written) lineCount += b.lines.length;
  const blockN: number[] = [];
  const blockLevels: string[] = [];
  const blockLo: number[] = [];
  const blockTagged: boolean[] = [];
  const messages: string[] = new Array<string>(lineCount);
  const tags: (string | null)[] = new Array<string | null>(lineCount);
  let anyTags = false;
  let line = 0;
  for (const b of written) {
    const counter = counters.get(b.nodeRun)!;
    let node = nodes.get(b.nodeRun);
    if (!node) {
      node = {
        key: counter.nodeKey,
        seq: counter.seq,
        n: 0,
        c: { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 },
        at: b.at,
      };
      nodes.set(b.nodeRun, node);
    }
    let run = runs.get(counter.runKey);
    if (!run) {
      run = { seq: counter.runSeq, n: 0, at: b.at };
      runs.set(counter.runKey, run);
    }
    const last = segments.length ? segments[segments.length - 1]! : null;
    if (
      last &&
      last.node === node.key &&
      last.run === counter.runKey &&
      last.runSeq + last.lines === run.seq + run.n + 1
    ) {
      last.lines += b.lines.length;
    } else {
      segments.push({
        run: counter.runKey,
        runSeq: run.seq + run.n + 1,
        node: node.key,
        seq: node.seq + node.n + 1,
        lines: b.lines.length,
      });
    }
    const lines = b.lines;
    // One block a batch, cut every BLOCK_LINES lines (a line's id is its block's × BLOCK_LINES
    // + its place in it).
    for (let from = 0; from < lines.length; from += BLOCK_LINES) {
      const to = Math.min(lines.length, from + BLOCK_LINES);
      batch.node.push(node.key);
      batch.seq.push(node.seq + node.n + from);
      batch.run.push(counter.runKey);
      batch.runSeq.push(run.seq + run.n + from);
      batch.at.push(b.at.toISOString());
      blockN.push(to - from);
      blockLo.push(line + 1);
      let letters = '';
      let tagged = false;
      for (let pos = from; pos < to; pos++, line++) {
        const l = lines[pos]!;
        node.c[l.level]++;
        letters += l.level[0];
        messages[line] = l.message;
        if (l.tags) {
          tags[line] = JSON.stringify(l.tags);
          tagged = true;
        } else tags[line] = null;
      }
      blockLevels.push(letters);
      blockTagged.push(tagged);
      if (tagged) anyTags = true;
    }
    node.n += lines.length;
    run.n += lines.length;
    if (b.at > node.at) node.at = b.at;
    if (b.at > run.at) run.at = b.at;
  }
  const perNode = [...nodes.values()];
  const perRun = [...runs.entries()];
  const values: (string | Buffer)[] = [
    intArray(perNode.map((x) => x.key)),
    intArray(perNode.map((x) => x.seq)),
    intArray(perNode.map((x) => x.n)),
    ...LEVELS.map((level) => intArray(perNode.map((x) => x.c[level]))),
    pgArray(perNode.map((x) => x.at.toISOString())),
    intArray(perRun.map(([key]) => key)),
    intArray(perRun.map(([, x]) => x.seq)),
    intArray(perRun.map(([, x]) => x.n)),
    pgArray(perRun.map(([, x]) => x.at.toISOString())),
    intArray(batch.node),
    intArray(batch.seq),
    intArray(batch.run),
    intArray(batch.runSeq),
    pgArray(batch.at),
    intArray(blockN),
    binaryTextArray(blockLevels),
    intArray(blockLo),
    `{${blockTagged.map((t) => (t ? 't' : 'f')).join(',')}}`,
    binaryTextArray(messages),
    anyTags ? binaryTextArray(tags, true) : '{}',
    intArray(segments.map((x) => x.run)),
    intArray(segments.map((x) => x.runSeq)),
    intArray(segments.map((x) => x.node)),
    intArray(segments.map((x) => x.seq)),
    intArray(segments.map((x) => x.lines)),
  ];
  return { values, nodeRuns: new Set(written.map((b) => b.nodeRun)), lines: lineCount };
}

/**
 * The parameters of appendSql, as array literals (the driver sends them as they are), built in
 * one pass over the lines: per line this runs for every line ingested.
 */
function appendValues(batches: LogBatchRow[]) {
  const perBatch = {
    DEBUG: [] as number[],
    INFO: [] as number[],
    WARN: [] as number[],
    ERROR: [] as number[],
  };
  let lineBatch = '';
  let linePos = '';
  let levels = '';
  let messages = '';
  let tags = '';
  for (let k = 0; k < batches.length; k++) {
    const c = { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 };
    const lines = batches[k]!.lines;
    for (let pos = 0; pos < lines.length; pos++) {
      const line = lines[pos]!;
      c[line.level]++;
      const sep = lineBatch ? ',' : '';
      lineBatch += `${sep}${k + 1}`;
      linePos += `${sep}${pos + 1}`;
      levels += `${sep}${line.level}`;
      messages += `${sep}${arrayElement(line.message)}`;
      tags += `${sep}${line.tags ? arrayElement(JSON.stringify(line.tags)) : 'NULL'}`;
    }
    for (const level of LEVELS) perBatch[level].push(c[level]);
  }
  return [
    pgArray(batches.map((x) => x.nodeRun)),
    intArray(batches.map((x) => x.lines.length)),
    ...LEVELS.map((level) => intArray(perBatch[level])),
    pgArray(batches.map((x) => x.at.toISOString())),
    `{${lineBatch}}`,
    `{${linePos}}`,
    `{${levels}}`,
    `{${messages}}`,
    `{${tags}}`,
  ];
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
  const values = appendValues(batches);
  const text = (onlyOpen ? APPEND_OPEN : APPEND).split(/\$(\d+)/);
  // The statement's text with drizzle's parameters where it says $1…$12.
  const query = sql.join(
    text.map((part, k) => (k % 2 ? sql`${values[Number(part) - 1]}` : sql.raw(part))),
  );
  const [row] = await selectRows<{ written: number; nodeRuns: string[] }>(tx, query);
  return appended(row);
}

/** The ingest's statements, prepared once per connection (by LogConnection.open). */
const STATEMENTS = {
  runboard_log_begin: 'BEGIN',
  runboard_log_lock: LOCK,
  runboard_log_counters: COUNTERS,
  runboard_log_write: WRITE,
  runboard_log_commit: 'COMMIT',
} as const;
type Statement = keyof typeof STATEMENTS;

/** The wire connection under a pg client, as far as a submittable query uses it. */
interface Wire {
  stream: { cork(): void; uncork(): void };
  parse(query: { name: string; text: string; types: number[] }): void;
  bind(config: { statement: string; values: (string | Buffer)[] }): void;
  execute(config: { portal: string; rows: number }): void;
  sync(): void;
}

/**
 * Statements sent in one round trip, as a pg submittable: prepared statements bound and executed
 * one after another, then one Sync (the extended protocol's pipelining; the driver's own queries
 * end each statement with a Sync and wait for its answer). The rows of each statement, their
 * fields as text. On an error PostgreSQL skips what is left up to the Sync (in a transaction
 * block, that leaves it aborted: the caller rolls back) and this rejects with the error.
 */
class Pipeline {
  private readonly rows: (string | null)[][][];
  private step = 0;
  private error: unknown = null;
  private settle!: { resolve: (rows: (string | null)[][][]) => void; reject: (e: unknown) => void };
  readonly done = new Promise<(string | null)[][][]>((resolve, reject) => {
    this.settle = { resolve, reject };
  });

  constructor(
    private readonly steps: { statement: Statement; values?: (string | Buffer)[] }[],
    private readonly prepare = false,
  ) {
    this.rows = steps.map(() => []);
  }

  submit(wire: Wire) {
    // One socket write for the round trip: the driver writes each message as it makes it, a
    // syscall each (5–7 a round trip).
    wire.stream.cork();
    try {
      for (const { statement, values } of this.steps) {
        if (this.prepare) wire.parse({ name: statement, text: STATEMENTS[statement], types: [] });
        else {
          wire.bind({ statement, values: values ?? [] });
          wire.execute({ portal: '', rows: 0 });
        }
      }
      wire.sync();
    } finally {
      wire.stream.uncork();
    }
  }

  handleDataRow(message: { fields: (string | null)[] }) {
    this.rows[this.step]?.push(message.fields);
  }
  handleCommandComplete() {
    this.step++;
  }
  handleError(error: unknown) {
    // The driver forgets this query on an error; the Sync's ReadyForQuery then goes to no one.
    this.error = error;
    this.settle.reject(error);
  }
  handleReadyForQuery() {
    if (this.error) this.settle.reject(this.error);
    else this.settle.resolve(this.rows);
  }
  handleRowDescription() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleCopyInResponse() {
    this.handleError(new Error('Unexpected COPY in the log ingest'));
  }
  handleCopyData() {}
}

const ignoreError = () => {};

/** The pooled clients on which STATEMENTS are prepared (a prepared statement lives as long as its session). */
const prepared = new WeakSet<pg.PoolClient>();

/**
 * A pooled connection of the log ingest, for one transaction after another in two round trips:
 * `lock` begins one (BEGIN + LOCK + COUNTERS), `commit` writes and ends it (WRITE + COMMIT),
 * `reset` rolls back one a failure left open.
 */
export class LogConnection {
  private inTransaction = false;
  /** How long the last commit took to build its write's parameters (ms; the ingest's clock). */
  buildMs = 0;

  private constructor(private readonly client: pg.PoolClient) {}

  static async open(db: Db) {
    // The pool drizzle was opened on (openPostgres); the ingest sends its own protocol messages.
    const pool = (db as unknown as { $client: pg.Pool }).$client;
    const client = await pool.connect();
    // A checked-out client has no listener of the pool's: a session PostgreSQL ends (an admin's
    // pg_terminate_backend, a restart) would be an uncaught 'error' event, which ends the process.
    // The statement in flight is told too (the driver fails it), and the connection is then lost.
    client.on('error', ignoreError);
    if (!prepared.has(client)) {
      try {
        await new LogConnection(client).send(
          Object.keys(STATEMENTS).map((statement) => ({ statement: statement as Statement })),
          true,
        );
      } catch (error) {
        client.off('error', ignoreError);
        client.release(true);
        throw error;
      }
      prepared.add(client);
    }
    return new LogConnection(client);
  }

  private send(steps: ConstructorParameters<typeof Pipeline>[0], prepare = false) {
    const pipeline = new Pipeline(steps, prepare);
    // A submittable (an object with submit()) is queued as it is; its answer comes by its handlers.
    void this.client.query(pipeline as unknown as pg.QueryConfig);
    return pipeline.done;
  }

  /** The counters COUNTERS read in the transaction `lock` began. */
  private counters = new Map<string, Counters>();

  /**
   * BEGIN, LOCK and COUNTERS in one round trip, all prepared (planning LOCK cost more than
   * running it).
   */
  async lock(nodeRuns: string[], tokenHashes: string[]) {
    this.inTransaction = true;
    const [, locked, counters] = await this.send([
      { statement: 'runboard_log_begin' },
      { statement: 'runboard_log_lock', values: [pgArray(nodeRuns), pgArray(tokenHashes)] },
      { statement: 'runboard_log_counters', values: [pgArray(nodeRuns)] },
    ]);
    this.counters = new Map(
      (counters ?? []).map(([nodeRun, nodeKey, seq, open, runKey, runSeq]) => [
        nodeRun!,
        {
          nodeKey: Number(nodeKey),
          seq: Number(seq),
          open: open === 't',
          runKey: Number(runKey),
          runSeq: Number(runSeq),
        },
      ]),
    );
    const row = locked?.[0];
    return {
      runs: JSON.parse(row?.[0] ?? '[]') as LockedRunOfNodeRun[],
      holders: JSON.parse(row?.[1] ?? '[]') as TokenHolder[],
    };
  }

  /**
   * WRITE (when there is anything to write) and COMMIT in one round trip: the batches of the
   * node runs that were open when `lock` read their counters, numbered from those counters.
   */
  async commit(batches: LogBatchRow[]): Promise<Appended> {
    const t0 = performance.now();
    const write = writeValues(batches, this.counters);
    this.buildMs = performance.now() - t0;
    await this.send([
      ...(write.lines ? [{ statement: 'runboard_log_write' as const, values: write.values }] : []),
      { statement: 'runboard_log_commit' },
    ]);
    this.inTransaction = false;
    return { written: write.lines, nodeRuns: write.nodeRuns };
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
    this.client.off('error', ignoreError);
    this.client.release(lost || undefined);
  }
}
