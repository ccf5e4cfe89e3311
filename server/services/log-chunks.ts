import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Db, Tx } from '../db/client';
import {
  CHUNK_LINES,
  chunkText,
  chunkWordsInDatabase,
  COUNT_LEVELS,
  COUNTED_MIN_LINES,
  fullChunks,
  insertChunks,
  lowerOf,
  trySealLock,
  unsealedNodeRuns,
  type SealedChunk,
  type Unsealed,
} from '../db/log-chunks';
import { analyzeLogPartition, unanalyzedLogPartitions } from '../db/log-statistics';
import { ASCII, asciiLowered, chunkWords } from '../domain/log-words';
import { ingestLinesPerSecond } from './log-ingest';

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
  /**
   * Asked in each transaction: how many full chunks a node run may leave unsealed for now
   * (startLogSealer's pacing; 0: none). A node run behind by fewer waits; one behind by more has
   * only the chunks past that many sealed, its oldest first, and the rest of the pass is left for
   * later.
   */
  leave?: () => number;
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
      // The node runs furthest behind first (past the bound, if any is).
      const nodes = await unsealedNodeRuns(tx, nodeBatch);
      const leave = nodes.length > 0 ? (options.leave?.() ?? 0) : 0;
      let sealed = 0;
      let waiting = false;
      for (const node of nodes) {
        const over = (node.lines - node.sealed) / CHUNK_LINES - leave;
        if (over > 0) {
          sealed += await sealChunks(tx, node, Math.min(chunkBatch, over), asciiLowersAsJs);
        } else waiting = true;
      }
      chunks += sealed;
      if (waiting && !sealed) return 'deferred' as const;
      return sealed ? ('more' as const) : ('done' as const);
    });
    if (step === 'locked') return { chunks, skipped: true };
    if (step === 'done' || step === 'deferred' || options.isStopped?.())
      return { chunks, skipped: false };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Bytes of messages above which a chunk's word set is made by PostgreSQL instead (lines may be
 * 64 KiB each: 4 096 of them would be one 256 MiB string here).
 */
export const SPLIT_HERE_MAX_BYTES = { value: 16 * 1024 * 1024 };

/**
 * Seals up to `chunks` full chunks of one node run, one chunk read at a time: PostgreSQL reads
 * its messages, this process lower-cases them when it can do so as PostgreSQL would (ASCII
 * without colour codes: most logs; otherwise PostgreSQL reads the chunk again, lower-cased and
 * stripped) and splits them into the chunk's word set, its counted words' lines per level and its
 * frequent pairs of words' lines per level (domain/log-words.ts `chunkWords`), the event loop let
 * through between chunks (a chunk's words take a few ms); a chunk of more than
 * SPLIT_HERE_MAX_BYTES is split by PostgreSQL and counts none (nor keeps pairs). The chunks are
 * inserted in one statement. Answers how many it sealed.
 */
async function sealChunks(
  tx: Tx,
  node: Unsealed,
  chunks: number,
  asciiLowersAsJs: boolean,
): Promise<number> {
  const sealed: SealedChunk[] = [];
  for (const { bytes, ...chunk } of await fullChunks(tx, node, chunks)) {
    const at = [tx, node.nodeKey, chunk.firstSeq, chunk.lastSeq] as const;
    if (bytes > SPLIT_HERE_MAX_BYTES.value) {
      const words = await chunkWordsInDatabase(...at);
      sealed.push({
        ...chunk,
        words,
        numbers: '',
        numbersByLine: false,
        numbersListed: false,
        repeated: null,
        counted: '',
        counts: [],
        listed: false,
        pairs: null,
        pairCounts: [],
        overlaps: null,
        edges: null,
        listedPairs: null,
      });
      continue;
    }
    const read = await chunkText(...at);
    await yieldToEvents();
    const lowered = asciiLowered(read.text, asciiLowersAsJs);
    const { text, levels } =
      lowered === null ? await chunkText(...at, true) : { ...read, text: lowered };
    const split = chunkWords(text, levels, COUNTED_MIN_LINES, COUNT_LEVELS.length);
    sealed.push({ ...chunk, ...split, listed: true, numbersByLine: true, numbersListed: true });
  }
  return insertChunks(tx, node.nodeKey, sealed);
}

/**
 * Changed rows after which a log partition never analyzed is analyzed by the sealer: blocks of
 * lines (db/log-blocks.ts), a batch each, so a few thousand lines or more.
 */
const ANALYZE_AFTER_ROWS = 20;

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
 * The sealer's pacing: while this process's ingest writes at least `paceAbove` lines a second,
 * a node run's full chunks wait to be sealed until it is `maxBehind` chunks behind, and are then
 * sealed until it is under that bound again; once the ingest slows, everything is sealed. Sealing costs about
 * half what writing a line does (PostgreSQL's trigram index of the words, ~2.5 µs a line, and
 * ~1 µs of this process to split them), so at the ingest's peak it took that share of the two
 * cores from the writes; deferred, it runs when they leave the cores free. The unsealed tail a
 * search reads line by line (db/log-chunks.ts `candidateRanges`) stays at most `maxBehind` chunks
 * long (131 072 lines) plus one filling.
 */
export const SEAL_PACE = { paceAbove: 20_000, maxBehind: 32 };

/**
 * Seals until stopped (each pass after analyzeNewLogPartitions), each pass until nothing is left
 * (or paced, SEAL_PACE): the next pass `intervalMs` after one that sealed something or was paced,
 * `idleMs` after one that found nothing (finding work reads one index entry per full chunk,
 * db/log-chunks.ts `unsealedNodeRuns`). A failed pass is reported and tried again at the next
 * tick. `ingestRate` says how many lines a second the ingest writes (default: this process's).
 */
export function startLogSealer(
  db: Db,
  options: SealOptions & {
    intervalMs?: number;
    idleMs?: number;
    ingestRate?: () => number;
  } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const ingestRate = options.ingestRate ?? (() => ingestLinesPerSecond());
  const tick = () => {
    if (stopped) return;
    let busy = false;
    // A paced pass comes back at the next interval, as a busy one does. Paced, a node run keeps
    // up to maxBehind - 1 full chunks unsealed: only those past them are sealed, so a sustained
    // ingest is sealed as it goes, a few chunks at a time, rather than in bursts of every node
    // run's chunks (up to nodeBatch × chunkBatch) each time one reached the bound (s14ingest).
    const leave = () => {
      const paced = ingestRate() >= SEAL_PACE.paceAbove;
      busy ||= paced;
      return paced ? SEAL_PACE.maxBehind - 1 : 0;
    };
    running = analyzeNewLogPartitions(db)
      .then(() => sealLogChunks(db, { ...options, isStopped: () => stopped, leave }))
      .then((report) => {
        busy ||= report.chunks > 0 || report.skipped;
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
