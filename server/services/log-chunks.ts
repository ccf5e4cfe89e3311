import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Db, Tx } from '../db/client';
import {
  fullChunkTexts,
  insertChunks,
  lowerOf,
  searchableText,
  trySealLock,
  unsealedNodeRuns,
  type Unsealed,
} from '../db/log-chunks';
import { analyzeLogPartition, unanalyzedLogPartitions } from '../db/log-statistics';
import { ASCII, asciiLowered, wordSet } from '../domain/log-words';

/** What one pass sealed; `skipped` when another server held the sealer's lock. */
export interface SealReport {
  chunks: number;
  skipped: boolean;
}

export interface SealOptions {
  /** Node runs looked at per transaction, and chunks sealed per node run per transaction. */
  nodeBatch?: number;
  chunkBatch?: number;
  /** Checked between transactions: a server shutting down stops sealing. */
  isStopped?: () => boolean;
}

/**
 * Seals every full chunk of log lines not sealed yet (db/log-chunks.ts), so searches read only
 * the chunks that can hold their term. Off the write path: it reads lines already committed.
 * Every transaction is short (a few node runs, a few chunks each) and holds a transaction-level
 * advisory lock, so with several servers on one database one seals at a time and a server that
 * stops (or crashes) leaves nothing half done: the next pass, on any server, resumes after the
 * last sealed chunk of each node run.
 */
export async function sealLogChunks(db: Db, options: SealOptions = {}): Promise<SealReport> {
  const nodeBatch = options.nodeBatch ?? 8;
  const chunkBatch = options.chunkBatch ?? 8;
  let chunks = 0;
  const asciiLowersAsJs = (await lowerOf(db, ASCII)) === ASCII.toLowerCase();
  for (;;) {
    const step = await db.transaction(async (tx) => {
      if (!(await trySealLock(tx))) return 'locked' as const;
      const nodes = await unsealedNodeRuns(tx, nodeBatch);
      let sealed = 0;
      for (const node of nodes) sealed += await sealChunks(tx, node, chunkBatch, asciiLowersAsJs);
      chunks += sealed;
      return sealed ? ('more' as const) : ('done' as const);
    });
    if (step === 'locked') return { chunks, skipped: true };
    if (step === 'done' || options.isStopped?.()) return { chunks, skipped: false };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Seals up to `chunks` full chunks of one node run: PostgreSQL reads each chunk's messages, this
 * process lower-cases them when it can do so as PostgreSQL would (ASCII without colour codes:
 * most logs; otherwise PostgreSQL reads the chunk again, lower-cased and stripped) and splits
 * them into the chunk's word set — a chunk at a time, the event loop let through between them
 * (a chunk's words take a few ms) — and the chunks are inserted in one statement. Answers how
 * many it sealed.
 */
async function sealChunks(
  tx: Tx,
  node: Unsealed,
  chunks: number,
  asciiLowersAsJs: boolean,
): Promise<number> {
  const texts = await fullChunkTexts(tx, node, chunks);
  const sealed = [];
  for (const { text, ...chunk } of texts) {
    await yieldToEvents();
    const lowered =
      asciiLowered(text, asciiLowersAsJs) ??
      (await searchableText(tx, node.nodeKey, chunk.firstSeq, chunk.lastSeq));
    sealed.push({ ...chunk, words: wordSet(lowered) });
  }
  return insertChunks(tx, node.nodeKey, sealed);
}

/** Changed rows after which a log partition never analyzed is analyzed by the sealer. */
const ANALYZE_AFTER_ROWS = 1_000;

/**
 * Analyzes the log partitions PostgreSQL has not analyzed yet once they hold lines (a new
 * partition, filled faster than autovacuum comes round): until then every page read of a node
 * run's lines is planned as if the log were empty and reads all of it (db/log-statistics.ts).
 * Bulk work, on the sealer's (low-priority) connection; several servers may both analyze one, which
 * costs a sample of its rows twice. Answers the partitions analyzed.
 */
export async function analyzeNewLogPartitions(db: Db): Promise<string[]> {
  const names = await unanalyzedLogPartitions(db, ANALYZE_AFTER_ROWS);
  for (const name of names) await analyzeLogPartition(db, name);
  return names;
}

/**
 * Seals until stopped (each pass after analyzeNewLogPartitions), each pass until nothing is left: the next pass `intervalMs` after one
 * that sealed something, `idleMs` after one that did not (finding work reads one index entry per
 * full chunk, db/log-chunks.ts `unsealedNodeRuns`). A failed pass is reported and tried
 * again at the next tick.
 */
export function startLogSealer(
  db: Db,
  options: SealOptions & { intervalMs?: number; idleMs?: number } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    if (stopped) return;
    let busy = false;
    running = analyzeNewLogPartitions(db)
      .then(() => sealLogChunks(db, { ...options, isStopped: () => stopped }))
      .then((report) => {
        busy = report.chunks > 0 || report.skipped;
      })
      .catch((err: unknown) => {
        if (!stopped) console.error('log sealer failed:', err);
      })
      .finally(() => {
        running = null;
        const next = busy ? (options.intervalMs ?? 1_000) : (options.idleMs ?? 5_000);
        if (!stopped) timer = setTimeout(tick, next).unref();
      });
  };
  timer = setTimeout(tick, options.intervalMs ?? 1_000).unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
