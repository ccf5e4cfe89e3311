import { bulkOf, type Db } from '../db/client';
import {
  LogConnection,
  refusedByDatabase,
  type LockedRunOfNodeRun,
  type LogInput,
  type TokenHolder,
} from '../db/log-batches';
import { findNodeRunState } from '../db/workflow-runs';
import { ApiError, notFound } from '../domain/errors';
import { canViewRun, type Actor } from '../domain/permissions';
import { assertNodeRunOpen } from '../domain/run-controls';
import { afterReads } from './read-first';

/**
 * The log ingest (issue 17): batches of lines from concurrent requests, for any node runs, written
 * together — one transaction, one lock statement, one insert statement — while the previous
 * write is in flight, so a busy server commits (and flushes WAL) once for many requests instead
 * of once each. Every request is still answered on its own: it waits for the commit that holds
 * its lines, and a batch that is refused (unknown node run, a run its writer may not view, a
 * completed node run, a revoked token) gets its own error and costs the others nothing.
 */

/** A bearer token whose signature and expiry were checked; its row and user still must be. */
export interface BearerToken {
  hash: string;
  sub: string;
}

/** Who writes a batch: an actor already resolved, or a token resolved in the write itself. */
export type LogWriter = { actor: Actor } | { token: BearerToken };

export interface LogAppend {
  nodeRun: string;
  /** When the request names the run too (PATCH /runs/{wfr}/nodes/{wfnr}): it must own the node run. */
  run?: string | undefined;
  lines: LogInput[];
  writer: LogWriter;
  now: Date;
}

interface Pending extends LogAppend {
  settle: (error?: unknown) => void;
  /** performance.now() when it was queued. */
  queuedAt: number;
}

/**
 * Where the ingest's time goes (bench:load prints it): cheap counters, a few clock reads a write
 * and one a batch. Sums in ms. `queue` is each batch's wait from append to its write's start,
 * `answered` from append to its settle; per write, `hold` the wait for reads (afterReads),
 * `lock` the BEGIN + lock + counters round trip, `build` the write's parameters, `commit` the
 * write + COMMIT round trip (build excluded), `gap` from a write's commit to the same slot's next
 * lock being sent (answers settled, microtasks, the next take). `inFlight[n]`: time with n round
 * trips of the ingest outstanding (PostgreSQL idle for the ingest in inFlight[0]).
 */
export const ingestClock = {
  batches: 0,
  writes: 0,
  lines: 0,
  queue: 0,
  answered: 0,
  hold: 0,
  lock: 0,
  build: 0,
  commit: 0,
  gap: 0,
  inFlight: [0, 0, 0, 0],
};
let roundTrips = 0;
let roundTripsSince = performance.now();
/** One more (+1) or one fewer (-1) of the ingest's round trips outstanding. */
export function roundTripInFlight(change: 1 | -1) {
  const now = performance.now();
  ingestClock.inFlight[Math.min(roundTrips, 3)]! += now - roundTripsSince;
  roundTripsSince = now;
  roundTrips += change;
}
/** Waits for the reads' hold (afterReads), counted in ingestClock.hold. */
async function timedHold(held: Promise<unknown>) {
  const t = performance.now();
  await held;
  ingestClock.hold += performance.now() - t;
}
/** ingestClock back to zeros (the time-weighted counts start now). */
export function resetIngestClock() {
  for (const key of Object.keys(ingestClock) as (keyof typeof ingestClock)[]) {
    if (key !== 'inFlight') ingestClock[key] = 0;
  }
  ingestClock.inFlight = [0, 0, 0, 0];
  roundTripsSince = performance.now();
}

/** Lines per transaction at most: a longer queue is written by the next one. */
const MAX_LINES_PER_WRITE = 20_000;
/**
 * …and characters of text (messages and tags): lines may be 64 KiB each, and the statement is
 * one string built in memory, so a line count alone let a write grow past what a string holds.
 */
const MAX_CHARS_PER_WRITE = 8_000_000;

const charsOf = (lines: LogAppend['lines']) =>
  lines.reduce((n, l) => n + l.message.length + (l.tags ? JSON.stringify(l.tags).length : 0), 0);
/**
 * Writes in flight at once, each on its own pooled connection. One alone makes the biggest
 * writes (least PostgreSQL CPU per line) but leaves the database idle while the server answers
 * and takes the next; two overlap that. Measured (bench:load, 8 writers): PostgreSQL CPU per
 * line 11–13 µs with one, 12–16 µs with two, ~21 µs with four.
 */
const MAX_WRITES = 2;
/**
 * Lines waiting at which a second write starts beside the one in flight; fewer wait for it, and
 * go together in the next write. A write's own cost (the lock's round trip, the counters'
 * updates, the commit's WAL flush, two wake-ups) is shared by its lines: with a second write
 * started for any batch, writes held ~2.3 batches of 100 lines, with one write in flight ~4
 * (PostgreSQL ~1 µs and the server ~0.5 µs less CPU a line, s7ingest); a long queue still gets
 * the second write, so a slow round trip (a loaded machine) does not leave lines waiting.
 */
const SECOND_WRITE_LINES = 400;

/** MAX_WRITES and SECOND_WRITE_LINES as the ingest reads them (bench:load may try others). */
export const INGEST_WRITES = { max: MAX_WRITES, secondAt: SECOND_WRITE_LINES };

/**
 * Lines this process's ingest wrote in the current whole second and the one before it: how busy
 * it is, for the chunk sealer's pacing (services/log-chunks.ts startLogSealer).
 */
const pace = { second: 0, lines: 0, before: 0 };

function noteWritten(batches: readonly LogAppend[], now = Date.now()) {
  const second = Math.floor(now / 1000);
  if (second !== pace.second) {
    pace.before = second === pace.second + 1 ? pace.lines : 0;
    pace.second = second;
    pace.lines = 0;
  }
  for (const b of batches) pace.lines += b.lines.length;
}

/** Lines a second this process's ingest wrote lately (the last whole second, or this one's so far). */
export function ingestLinesPerSecond(now = Date.now()): number {
  const second = Math.floor(now / 1000);
  if (second === pace.second) return Math.max(pace.lines, pace.before);
  return second === pace.second + 1 ? pace.lines : 0;
}

export const TOKEN_REFUSED = 'The access token is unknown or expired; request a new one';

class LogIngest {
  private readonly queue: Pending[] = [];
  private queuedLines = 0;
  private writing = 0;

  constructor(private readonly db: Db) {}

  append(batch: LogAppend): Promise<void> {
    return new Promise((resolve, reject) => {
      const queuedAt = performance.now();
      this.queue.push({
        ...batch,
        queuedAt,
        settle: (error) => {
          ingestClock.batches++;
          ingestClock.answered += performance.now() - queuedAt;
          if (error) reject(error);
          else resolve();
        },
      });
      this.queuedLines += batch.lines.length;
      this.pump();
    });
  }

  /** Whether `others` writes in flight leave room for one more now (SECOND_WRITE_LINES). */
  private wanted(others: number) {
    if (this.queue.length === 0 || others >= INGEST_WRITES.max) return false;
    return others === 0 || this.queuedLines >= INGEST_WRITES.secondAt;
  }

  private pump() {
    while (this.wanted(this.writing)) {
      this.writing++;
      void this.drain().finally(() => {
        this.writing--;
        this.pump();
      });
    }
  }

  /**
   * The batches queued now, up to MAX_LINES_PER_WRITE lines and MAX_CHARS_PER_WRITE characters
   * (at least one batch).
   */
  private take() {
    const taken: Pending[] = [];
    const now = performance.now();
    let lines = 0;
    let chars = 0;
    for (let next = this.queue[0]; next; next = this.queue[0]) {
      const size = charsOf(next.lines);
      if (
        taken.length > 0 &&
        (lines + next.lines.length > MAX_LINES_PER_WRITE || chars + size > MAX_CHARS_PER_WRITE)
      )
        break;
      taken.push(this.queue.shift()!);
      ingestClock.queue += now - next.queuedAt;
      this.queuedLines -= next.lines.length;
      lines += next.lines.length;
      chars += size;
    }
    return taken;
  }

  /**
   * A write slot: one pooled connection, kept for write after write while batches wait. Given
   * back after each write, it would queue the next one behind every reader waiting for the pool
   * (with 200 viewers polling, ingest fell to ~800 lines/s). From the bulk pool (client.ts
   * `bulkOf`): on the embedded PostgreSQL its backends run at a lower CPU priority than those
   * answering reads.
   */
  private async drain() {
    const held = afterReads();
    if (held) await timedHold(held);
    let taken = this.take();
    let connection: LogConnection;
    try {
      connection = await LogConnection.open(bulkOf(this.db));
    } catch (error) {
      for (const batch of taken) batch.settle(error);
      return;
    }
    let usable = true;
    try {
      while (usable && taken.length > 0) {
        usable = await this.write(connection, taken);
        if (usable) {
          // Reads first (read-first.ts): the batches that arrive meanwhile join the next write.
          const held = afterReads();
          if (held) await timedHold(held);
          // This slot counts among `writing`: the others are the rest.
          taken = this.wanted(this.writing - 1) ? this.take() : [];
        }
      }
    } finally {
      connection.release(!usable);
    }
  }

  /**
   * One transaction for `taken`; each request is answered once it committed. Should the
   * database refuse the transaction itself (not a batch's refusal), each batch is tried alone,
   * so one request's failure is never another's. False when the connection is lost.
   */
  private async write(connection: LogConnection, taken: Pending[]): Promise<boolean> {
    let outcomes: unknown[];
    try {
      outcomes = await writeBatches(this.db, connection, taken);
    } catch (error) {
      const usable = await connection.reset();
      // Refused by the database means nothing committed; anything else (a lost connection) may
      // have committed, so no batch is written twice.
      if (usable && taken.length > 1 && refusedByDatabase(error)) {
        for (const batch of taken) if (!(await this.write(connection, [batch]))) return false;
      } else for (const batch of taken) batch.settle(error);
      return usable;
    }
    taken.forEach((batch, k) => batch.settle(outcomes[k]));
    noteWritten(taken);
    return true;
  }
}

const ingests = new WeakMap<Db, LogIngest>();

/** Appends lines to an open node run; resolves once they are committed. */
export function appendLogs(db: Db, batch: LogAppend): Promise<void> {
  let ingest = ingests.get(db);
  if (!ingest) ingests.set(db, (ingest = new LogIngest(db)));
  return ingest.append(batch);
}

/** tokenActor's rule (http/auth.ts), applied to the row read under the write's locks. */
function holderActor(token: BearerToken, holders: Map<string, TokenHolder>, now: Date) {
  const row = holders.get(token.hash);
  if (!row || !row.active || row.expiresAt <= now.getTime() || row.id !== token.sub) return null;
  return { id: row.id, email: row.email, role: row.role } satisfies Actor;
}

/** When each connection's last write committed (ingestClock.gap). */
const lastCommit = new WeakMap<LogConnection, number>();

/**
 * Checks each batch as a lone append would (token, then the node run's run visible, then the
 * node run still open) and writes the accepted ones in one transaction; answers each batch's
 * refusal, if any, once that transaction committed.
 */
async function writeBatches(db: Db, connection: LogConnection, batches: LogAppend[]) {
  // Each batch's refusal (an ApiError, or the error that kept it from an answer); undefined: written.
  const outcomes: unknown[] = [];
  const tokens = batches.flatMap((b) => ('token' in b.writer ? [b.writer.token.hash] : []));
  const t0 = performance.now();
  const committedBefore = lastCommit.get(connection);
  if (committedBefore !== undefined) ingestClock.gap += t0 - committedBefore;
  roundTripInFlight(1);
  const locked = await connection
    .lock([...new Set(batches.map((b) => b.nodeRun))], [...new Set(tokens)])
    .finally(() => roundTripInFlight(-1));
  const t1 = performance.now();
  ingestClock.lock += t1 - t0;
  const runs = new Map<string, LockedRunOfNodeRun>(locked.runs.map((r) => [r.nodeRun, r]));
  const holders = new Map(locked.holders.map((h) => [h.hash, h]));
  for (const b of batches) {
    const actor =
      'actor' in b.writer ? b.writer.actor : holderActor(b.writer.token, holders, b.now);
    const run = runs.get(b.nodeRun);
    if (!actor) outcomes.push(new ApiError(401, 'unauthorized', TOKEN_REFUSED));
    else if (!run || (b.run !== undefined && run.run !== b.run) || !canViewRun(actor, run)) {
      outcomes.push(notFound(`Node run "${b.nodeRun}"`));
    } else outcomes.push(undefined);
  }
  const accepted = batches.filter((b, k) => !outcomes[k] && b.lines.length > 0);
  // Every accepted batch of a node run still open is written whole: the statement places each
  // line by joining it to its batch's node run and run, which are locked.
  roundTripInFlight(1);
  const { nodeRuns: written, written: lines } = await connection
    .commit(accepted.map((b) => ({ nodeRun: b.nodeRun, lines: b.lines, at: b.now })))
    .finally(() => roundTripInFlight(-1));
  const t2 = performance.now();
  lastCommit.set(connection, t2);
  ingestClock.writes++;
  ingestClock.lines += lines;
  ingestClock.build += connection.buildMs;
  ingestClock.commit += t2 - t1 - connection.buildMs;
  // Not written (or an empty batch): refused if its node run has completed, which is for good.
  // After the commit, so a failure here is that batch's alone (and never retries the write).
  for (const [k, b] of batches.entries()) {
    if (outcomes[k] || written.has(b.nodeRun)) continue;
    outcomes[k] = await findNodeRunState(db, b.nodeRun).then(
      (state) =>
        state ? refusal(() => assertNodeRunOpen(state)) : notFound(`Node run "${b.nodeRun}"`),
      (error: unknown) => error,
    );
  }
  return outcomes;
}

function refusal(check: () => void): ApiError | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}
