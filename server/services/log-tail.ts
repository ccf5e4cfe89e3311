import type { LogTailLines } from '../../contract/log-tail';
import type { LogCounts, LogLevel } from '../../contract/workflows';
import type { DbOrTx } from '../db/client';
import { nodeRunTailState } from '../db/log-tail';
import { toNodeRunLogLine } from '../db/serialize';
import { readLogPage } from '../db/workflow-runs';
import { notFound, RateLimited } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { linesAfter } from './log-line-cache';
import { loadVisibleWorkflowRun } from './run-access';

/**
 * Bounds of the streamed tail (`GET …/nodes/runs/{id}/logs/stream`). A stream holds no database
 * connection between ticks; each tick is one primary-key read, plus one page read when lines
 * were added.
 */
export const LOG_TAIL_LIMITS = {
  /** Open streams per user on one server (tabs × viewers); past it a 429 and the viewer polls. */
  perUser: 8,
  /** Open streams on one server. */
  perServer: 256,
  /** How often a stream looks for new lines while they keep coming. */
  tickMs: 200,
  /** …slowing down to this after `idleTicks` empty ticks in a row (a quiet node run). */
  idleTickMs: 1000,
  /** 5 s: a busy writer's pause (a slow commit) must not cost its viewers a slow tick. */
  idleTicks: 25,
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs: 15_000,
  /**
   * A stream closes after this long and the browser reconnects from its last id: permission and
   * session are checked again, so a revoked session stops streaming within this time.
   */
  lifetimeMs: 5 * 60_000,
  /** Lines per event at most; a backlog goes as several events back to back. */
  batch: 5000,
};

const open = { total: 0, byUser: new Map<string, number>() };

/** Streams open on this server now (for tests and the bench). */
export const openLogTails = () => open.total;

type TailState = Awaited<ReturnType<typeof nodeRunTailState>>;

/**
 * Streams of one node run on this server share their reads: a tick takes the node run's state
 * read by another stream less than `maxAgeMs` ago (or still in flight), and streams asking for
 * the same page (same cursor and levels; viewers that follow together stay in step) share that
 * read and its serialized lines. 200 viewers of 8 node runs then cost ~8 state reads a tick, not
 * 200. Only reads are shared, and only briefly: every value comes from the database, so a stream
 * on another server, or resumed there, sees the same lines.
 */
const shared = {
  states: new Map<string, { at: number; state: Promise<TailState> }>(),
  pages: new Map<string, Promise<TailPage>>(),
  stateReads: 0,
};

/**
 * A page of new lines as every stream at its cursor sends it: `data` is the `lines` event's JSON
 * (the lines and the node run's counts), serialized once for all of them. The object is shared:
 * the route may keep what it derives from it (the encoded event) beside it, once.
 */
export interface TailPage {
  data: string;
  rows: number;
  lastSeq: number | null;
}

/** State reads this server made for its streams (for tests and the bench). */
export const logTailStateReads = () => shared.stateReads;

function sharedState(db: DbOrTx, identifier: string, maxAgeMs: number): Promise<TailState> {
  const hit = shared.states.get(identifier);
  if (hit && Date.now() - hit.at < maxAgeMs) return hit.state;
  shared.stateReads++;
  const state = nodeRunTailState(db, identifier);
  const entry = { at: Date.now(), state };
  shared.states.set(identifier, entry);
  // A failed read is not kept for the next tick; a kept one goes once it is too old to be used.
  state.then(
    () =>
      setTimeout(
        () => shared.states.get(identifier) === entry && shared.states.delete(identifier),
        maxAgeMs,
      ).unref(),
    () => shared.states.get(identifier) === entry && shared.states.delete(identifier),
  );
  return state;
}

function sharedPage(key: string, read: () => Promise<TailPage>) {
  const inFlight = shared.pages.get(key);
  if (inFlight) return inFlight;
  const page = read().finally(() => shared.pages.delete(key));
  shared.pages.set(key, page);
  return page;
}

export type LogTailEvent =
  { kind: 'lines'; page: TailPage; cursor: number } | { kind: 'heartbeat' } | { kind: 'end' };

export interface LogTail {
  /** Events from `cursor` until the node run ends, the stream's lifetime passes or `signal` aborts. */
  events(signal: AbortSignal): AsyncGenerator<LogTailEvent>;
  /** Gives the stream's slot back; call once when the response ends. */
  release(): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Opens the tail of a node run's log after line `cursor`: 404 for a node run the actor may not
 * see (as the other log reads), 429 past the open-stream caps. Nothing is kept in this process
 * but the count of open streams: every tick reads the node run's last seq from the database, so
 * a stream resumed on another server (Last-Event-ID) carries on where this one stopped.
 */
export async function openLogTail(
  db: DbOrTx,
  nodeRunIdentifier: string,
  actor: Actor,
  options: { cursor: number; levels: LogLevel[] },
  limits = LOG_TAIL_LIMITS,
): Promise<LogTail> {
  const missing = () => notFound(`Node run "${nodeRunIdentifier}"`);
  const state = await nodeRunTailState(db, nodeRunIdentifier);
  if (!state) throw missing();
  await loadVisibleWorkflowRun(db, state.workflowRunIdentifier, actor).catch(() => {
    throw missing();
  });
  const mine = open.byUser.get(actor.id) ?? 0;
  if (mine >= limits.perUser || open.total >= limits.perServer) {
    throw new RateLimited(
      5,
      mine >= limits.perUser
        ? `At most ${limits.perUser} log streams may be open per user; close a tab or poll the log instead`
        : 'This server has as many log streams open as it takes; poll the log instead',
    );
  }
  open.total++;
  open.byUser.set(actor.id, mine + 1);
  let released = false;

  async function* events(signal: AbortSignal): AsyncGenerator<LogTailEvent> {
    let cursor = options.cursor;
    const deadline = Date.now() + limits.lifetimeMs;
    let lastBeat = Date.now();
    let idle = 0;
    while (!signal.aborted && Date.now() < deadline) {
      const now = await sharedState(db, nodeRunIdentifier, limits.tickMs / 2);
      // Deleted (retention) or completed with nothing left to send: the tail is over.
      if (!now) {
        yield { kind: 'end' };
        return;
      }
      const finished = now.status === 'COMPLETED';
      let full = false;
      if (now.logSeq > cursor) {
        const levels = options.levels;
        const page = await sharedPage(
          JSON.stringify([nodeRunIdentifier, cursor, now.logSeq, finished, levels]),
          async () => {
            const counts: LogCounts = {
              DEBUG: now.debugCount,
              INFO: now.infoCount,
              WARN: now.warnCount,
              ERROR: now.errorCount,
            };
            const scope = { of: { nodeRun: nodeRunIdentifier }, finished, counts };
            if (!levels.length) {
              // Every level: the lines serialized once on this server (log-line-cache.ts).
              const lines = await linesAfter(db, scope, cursor, now.logSeq, limits.batch);
              return {
                data: `{"logs":[${lines.join(',')}],"counts":${JSON.stringify(counts)}}`,
                lastSeq: lines.length ? cursor + lines.length : null,
                rows: lines.length,
              };
            }
            const read = await readLogPage(db, scope, {
              cursor: String(cursor),
              limit: limits.batch,
              ...(levels.length ? { level: levels } : {}),
            });
            const lines: LogTailLines = { logs: read.rows.map((r) => toNodeRunLogLine(r)), counts };
            return {
              data: JSON.stringify(lines),
              lastSeq: read.rows.length ? read.rows[read.rows.length - 1]!.seq : null,
              rows: read.rows.length,
            };
          },
        );
        full = page.rows >= limits.batch;
        const lastRow = page.lastSeq ?? cursor;
        // Lines up to the seq read first were committed with it: a short page has read them all,
        // so a filtered stream moves past lines that did not match without sending anything.
        const next = full ? lastRow : Math.max(lastRow, now.logSeq);
        // Sent even without a line at the stream's levels: the counts moved (the level chips).
        yield { kind: 'lines', page, cursor: next };
        lastBeat = Date.now();
        cursor = next;
        idle = 0;
      } else {
        idle++;
      }
      if (finished && !full && cursor >= now.logSeq) {
        yield { kind: 'end' };
        return;
      }
      if (full) continue;
      if (Date.now() - lastBeat >= limits.heartbeatMs) {
        yield { kind: 'heartbeat' };
        lastBeat = Date.now();
      }
      await sleep(idle > limits.idleTicks ? limits.idleTickMs : limits.tickMs, signal);
    }
  }

  return {
    events,
    release() {
      if (released) return;
      released = true;
      open.total--;
      const left = (open.byUser.get(actor.id) ?? 1) - 1;
      if (left > 0) open.byUser.set(actor.id, left);
      else open.byUser.delete(actor.id);
    },
  };
}
