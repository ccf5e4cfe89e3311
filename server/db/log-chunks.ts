import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type DbOrTx, type Tx } from './client';
import {
  decodeLineEntries,
  DIGITS,
  EDGE_MAX,
  LINE_EDGE,
  ENTRY_LEVELS,
  entryLevel,
  entryLine,
  LINE_ALPHABET,
  LINE_DIGITS,
  LISTED_PAIR_SEPARATOR_MAX,
  NEWLINE_IN_MESSAGE,
  NUMBER_LINE_ENDS,
  PAIR_LINES,
} from '../domain/log-words';
import { linesAt, seqBetween } from './log-blocks';
import { ANSI_PATTERN, messageMatches } from './log-filter';
import { termsLowerAsJs } from './term-lowering';

/**
 * Queries of the log search index (schema.ts `log_chunks`): the sealer's (find node runs with
 * lines to seal, seal them) and the search's (which chunks may hold a term). Every line of a
 * chunk is read once, by the sealer, after it was written: the insert path never touches it.
 */

/**
 * Lines per chunk. Chunks are [k·N+1, (k+1)·N] of a node run's `seq`; changing N needs a rebuild,
 * and log_blocks_chunk_end_idx (schema.ts) rebuilt with the new N in its predicate.
 */
export const CHUNK_LINES = 4096;

/** Taken per sealing transaction with pg_try_advisory_xact_lock: one server seals at a time. */
export const SEAL_LOCK_KEY = 0x52425348; // 'RBSH'

/**
 * What separates words, for the chunks' word sets and a search term alike (a term split here by
 * `words()`, a chunk's lines by the sealer with domain/log-words.ts `WORD_SEPARATORS`, the same
 * class, both after PostgreSQL's lower()): ASCII spaces, controls and punctuation. Every run of
 * non-separators in a term lies inside one word of any line holding the term, so a chunk whose
 * word set lacks one of them cannot hold a match. (LIKE's `\`, `%` and `_` are among them.)
 */
export const SEPARATORS = '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+';

/**
 * The words of a lower-cased text, empty strings among them (a regex split: translate() with 95
 * characters is 4 times slower). For a search term; the sealer splits a chunk's lines in JS
 * (domain/log-words.ts, the same separators).
 */
const words = (text: SQL) => sql`regexp_split_to_array(${text}, ${SEPARATORS})`;

/** A message as the word set sees it: colour codes gone, lower case (what ILIKE compares). */
const searchable = (message: SQL) =>
  sql`lower(CASE WHEN strpos(${message}, ${'\u001b'}) = 0 THEN ${message}
                 ELSE regexp_replace(${message}, ${ANSI_PATTERN}, '', 'g') END)`;

/** True when this transaction holds the sealer's lock (false: another server is sealing). */
export async function trySealLock(tx: Tx): Promise<boolean> {
  const [row] = await selectRows<{ ok: boolean }>(
    tx,
    sql`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK_KEY}) AS ok`,
  );
  return row?.ok === true;
}

export interface Unsealed {
  nodeKey: number;
  /** Last sealed seq (a multiple of CHUNK_LINES), 0 when none is. */
  sealed: number;
  /** The last line of the node run's last full chunk not sealed yet. */
  lines: number;
}

/**
 * Up to `limit` node runs holding at least one full chunk of lines that is not sealed, those
 * with the most such chunks first (the sealer's pacing seals the ones past its bound). Found
 * through log_blocks_chunk_end_idx, which holds only the blocks holding the last line of a full
 * chunk (one entry per CHUNK_LINES lines or fewer; its predicate has to be written out with the
 * same literal for the planner to use it): a full chunk is one whose last line is in such a block,
 * and it is unsealed when log_chunks has no row for the block's last one (primary key; chunks
 * are sealed in order). So an idle pass reads one small index entry per
 * chunk ever filled, and never node_runs, whose counters move with every batch (indexing them
 * would cost every ingest batch its HOT update).
 */
export async function unsealedNodeRuns(db: DbOrTx, limit: number): Promise<Unsealed[]> {
  return selectRows<Unsealed>(db, unsealedNodeRunsQuery(limit));
}

/** The statement behind `unsealedNodeRuns` (its test reads the plan). */
export function unsealedNodeRunsQuery(limit: number): SQL {
  const n = sql.raw(String(CHUNK_LINES));
  return sql`SELECT e.node_key AS "nodeKey", e.top AS lines,
               coalesce((SELECT last_seq FROM log_chunks WHERE node_key = e.node_key
                         ORDER BY first_seq DESC LIMIT 1), 0) AS sealed
        FROM (SELECT b.node_key, max(b.last_seq / ${n} * ${n}) AS top FROM log_blocks b
              WHERE b.last_seq / ${n} > (b.first_seq - 1) / ${n}
                AND NOT EXISTS (SELECT 1 FROM log_chunks c
                                WHERE c.node_key = b.node_key
                                  AND c.first_seq = b.last_seq / ${n} * ${n} - ${n} + 1)
              GROUP BY b.node_key ORDER BY count(*) DESC LIMIT ${limit}) e`;
}

/** A full chunk the sealer is to seal, and the bytes of its messages. */
export interface FullChunk {
  firstSeq: number;
  lastSeq: number;
  runKey: number;
  bytes: number;
}

/**
 * A word held by at least this many of a chunk's lines goes to the chunk's `counted` words with
 * its lines per level; the others stay in `words`. (Fewer: more words counted, more bytes a
 * line; more: a term found in most chunks more often inside a word that is not counted, whose
 * chunk is then read.)
 */
export const COUNTED_MIN_LINES = 8;

/** The levels in the order of a counted word's counts (log_chunks.counts[i][1..4]). */
export const COUNT_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * Up to `chunks` full chunks of one node run after its last sealed line. A chunk is sealed only
 * when all its lines are there and so are all the chunks before it in this batch, so the sealed
 * chunks always run from seq 1 without a gap.
 */
export async function fullChunks(
  tx: Tx,
  node: Pick<Unsealed, 'nodeKey' | 'sealed'>,
  chunks: number,
): Promise<FullChunk[]> {
  const n = CHUNK_LINES;
  return selectRows<FullChunk>(
    tx,
    sql`WITH counted AS (
          SELECT (seq - 1) / ${n} AS c, count(*) AS lines, min(run_key) AS run_key,
            sum(octet_length(message))::float8 AS bytes
          FROM log_lines
          WHERE node_key = ${node.nodeKey}
            AND ${seqBetween(node.sealed + 1, node.sealed + chunks * n)}
          GROUP BY 1)
        SELECT c * ${n} + 1 AS "firstSeq", c * ${n} + ${n} AS "lastSeq", run_key AS "runKey", bytes
        FROM counted
        WHERE lines = ${n}
          AND c < coalesce((SELECT min(c) FROM counted WHERE lines < ${n}), 2147483647)
        ORDER BY c`,
  );
}

/** A chunk's lines as the sealer splits them (chunkText). */
export interface ChunkText {
  /**
   * The messages, one line each: a newline inside a message is NEWLINE_IN_MESSAGE here (both
   * separate words; a pair of words around it is not kept, domain/log-words.ts chunkPairs).
   */
  text: string;
  /** Each line's level, by its index in COUNT_LEVELS (`'0'`…`'3'`), in the lines' order. */
  levels: string;
}

/**
 * The messages of lines [first, last] of a node run as stored (`searchable`: as a search sees
 * them, colour codes gone and PostgreSQL's `lower()`), one line per message — a newline inside a
 * message becomes NEWLINE_IN_MESSAGE, as both separate words — and their levels in the same
 * order (one aggregate pass, so the two agree). The sealer splits them into words itself: PostgreSQL's
 * regexp split cost ~11 µs of CPU a line (more than the line's insert), its `lower()` ~1 µs,
 * this read ~0.5 µs.
 */
export async function chunkText(
  tx: Tx,
  nodeKey: number,
  first: number,
  last: number,
  searchable_ = false,
): Promise<ChunkText> {
  const message = searchable_ ? searchable(sql.raw('message')) : sql.raw('message');
  const level = sql.raw(
    `CASE level ${COUNT_LEVELS.map((l, i) => `WHEN '${l}' THEN '${i}'`).join(' ')} END`,
  );
  const [row] = await selectRows<{ text: string | null; levels: string | null }>(
    tx,
    sql`SELECT string_agg(replace(${message}, E'\n', ${NEWLINE_IN_MESSAGE}), E'\n' ORDER BY seq) AS text,
               string_agg(${level}, '' ORDER BY seq) AS levels
        FROM log_lines
        WHERE node_key = ${nodeKey} AND ${seqBetween(first, last)}`,
  );
  return { text: row?.text ?? '', levels: row?.levels ?? '' };
}

/**
 * The word set of lines [first, last] of a node run made by PostgreSQL itself (distinct words,
 * sorted byte-wise): for a chunk too big to bring into the server as one string. Such a chunk
 * counts none of its words (a search reads its lines, as a chunk sealed before word counts).
 */
export async function chunkWordsInDatabase(
  tx: Tx,
  nodeKey: number,
  first: number,
  last: number,
): Promise<string> {
  // Sorted byte-wise (COLLATE "C"): a locale's collation makes it several times slower.
  const [row] = await selectRows<{ words: string | null }>(
    tx,
    sql`SELECT string_agg(DISTINCT t COLLATE "C", ' ' ORDER BY t COLLATE "C") AS words
        FROM log_lines, unnest(${words(searchable(sql.raw('message')))}) t
        WHERE node_key = ${nodeKey} AND ${seqBetween(first, last)} AND t <> ''`,
  );
  return row?.words ?? '';
}

/** PostgreSQL's `lower()` of `text` (the database's locale decides). */
export async function lowerOf(db: DbOrTx, text: string): Promise<string> {
  const [row] = await selectRows<{ lower: string }>(db, sql`SELECT lower(${text}) AS lower`);
  return row!.lower;
}

/** A chunk as the sealer stores it: its words apart, its counted words with their counts. */
export interface SealedChunk extends Omit<FullChunk, 'bytes'> {
  words: string;
  counted: string;
  /** For each counted word in order, its lines at each level of COUNT_LEVELS. */
  counts: number[][];
  /**
   * The uncounted words of digits alone: by line, each line's followed by its entry
   * (domain/log-words.ts numbersListed) when `numbersByLine` and `numbersListed`, else
   * space-joined like `words` but without their lines ('' when not listed).
   */
  numbers: string;
  numbersByLine: boolean;
  /** `numbers` by line with each line's entry (domain/log-words.ts numbersListed), not `,`-ended. */
  numbersListed: boolean;
  /** The counted words a line says twice (domain/log-words.ts chunkWords); null when not made. */
  repeated: string | null;
  /** `words` lists each word's lines (domain/log-words.ts chunkWords); false: the words alone. */
  listed: boolean;
  /**
   * The frequent adjacent pairs of words, newline-joined (domain/log-words.ts chunkWords); null
   * when not made (a chunk split by PostgreSQL): a search of two words then reads the chunk.
   */
  pairs: string | null;
  /** For each pair in order, its lines at each level of COUNT_LEVELS. */
  pairCounts: number[][];
  /**
   * The adjacent pairs of words one of which at least is listed, with their lines
   * (domain/log-words.ts listedPairs); null when not made (a chunk split by PostgreSQL, or too
   * many): a phrase of rare words then reads the lines its words are listed for.
   */
  listedPairs: string | null;
  /**
   * How many lines hold counted words that share a trigram, per group of those words and level
   * (domain/log-words.ts chunkOverlaps); null when not made (a chunk split by PostgreSQL) or too
   * many groups: a term inside two or more counted words then reads the chunk.
   */
  overlaps: string | null;
  /**
   * The separators around every occurrence of each counted word (domain/log-words.ts chunkEdges);
   * null when not made (a chunk split by PostgreSQL): a phrase with a separator before or after it
   * then reads the chunk.
   */
  edges: string | null;
}

/** A 2-D smallint array literal (`{}` when empty: PostgreSQL has no empty 2-D array). */
const arrayLiteral = (rows: number[][]) =>
  rows.length === 0 ? '{}' : `{${rows.map((r) => `{${r.join(',')}}`).join(',')}}`;

/**
 * Seals chunks of one node run with their word sets and word counts (a chunk another server
 * sealed first is left as it is). Answers how many it sealed.
 */
export async function insertChunks(
  tx: Tx,
  nodeKey: number,
  chunks: SealedChunk[],
): Promise<number> {
  if (chunks.length === 0) return 0;
  const rows = await selectRows<{ n: number }>(
    tx,
    sql`WITH c AS (
          SELECT * FROM unnest(${sql.param(chunks.map((c) => c.firstSeq))}::int[],
                               ${sql.param(chunks.map((c) => c.lastSeq))}::int[],
                               ${sql.param(chunks.map((c) => c.runKey))}::int[],
                               ${sql.param(chunks.map((c) => c.words))}::text[],
                               ${sql.param(chunks.map((c) => c.counted))}::text[],
                               ${sql.param(chunks.map((c) => arrayLiteral(c.counts)))}::text[],
                               ${sql.param(chunks.map((c) => c.listed))}::bool[],
                               ${sql.param(chunks.map((c) => c.numbers))}::text[],
                               ${sql.param(chunks.map((c) => c.numbersByLine))}::bool[],
                               ${sql.param(chunks.map((c) => c.numbersListed))}::bool[],
                               ${sql.param(chunks.map((c) => c.repeated))}::text[],
                               ${sql.param(chunks.map((c) => c.pairs))}::text[],
                               ${sql.param(chunks.map((c) => arrayLiteral(c.pairCounts)))}::text[],
                               ${sql.param(chunks.map((c) => c.overlaps))}::text[],
                               ${sql.param(chunks.map((c) => c.edges))}::text[],
                               ${sql.param(chunks.map((c) => c.listedPairs))}::text[])
            AS c(first_seq, last_seq, run_key, words, counted, counts, listed, numbers,
                 numbers_by_line, numbers_listed, repeated, pairs, pair_counts, word_overlaps,
                 edges, listed_pairs)),
        ins AS (
          INSERT INTO log_chunks (node_key, first_seq, last_seq, run_key, words, counted, counts,
                                  listed, numbers, numbers_by_line, numbers_listed, repeated,
                                  pairs, pair_counts, word_overlaps, edges)
          SELECT ${nodeKey}, c.first_seq, c.last_seq, c.run_key, c.words, c.counted,
                 c.counts::int2[], c.listed, c.numbers, c.numbers_by_line, c.numbers_listed,
                 c.repeated, c.pairs,
                 c.pair_counts::int2[], c.word_overlaps, c.edges
          FROM c
          ON CONFLICT DO NOTHING RETURNING first_seq),
        -- The listed pairs of the chunks sealed here (a chunk another server sealed has its own).
        pairs AS (
          INSERT INTO log_chunk_pairs (node_key, first_seq, listed_pairs)
          SELECT ${nodeKey}, c.first_seq, c.listed_pairs
          FROM c
          WHERE c.listed_pairs IS NOT NULL AND c.first_seq IN (SELECT first_seq FROM ins)
          ON CONFLICT DO NOTHING)
        SELECT count(*)::int AS n FROM ins`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * The LIKE patterns a chunk's word set must all match to possibly hold `q`: `q`'s words (split
 * and lower-cased as the word sets are) of 3 characters or more, the trigram index's reach (LIKE's
 * `\`, `%` and `_` are separators, so a word needs no escaping). Empty when `q` has none: no
 * chunk can be ruled out.
 */
export async function chunkPatterns(db: DbOrTx, q: string): Promise<string[]> {
  const [row] = await selectRows<{ p: string[] | null }>(
    db,
    sql`SELECT array_agg(DISTINCT '%' || t || '%') AS p
        FROM unnest(${words(sql`lower(${q})`)}) t WHERE length(t) >= 3`,
  );
  return row?.p ?? [];
}

/** A stretch of one node run's lines to read: [lo, hi] of its `seq`. */
export interface LineRange {
  nodeKey: number;
  lo: number;
  hi: number;
}

/** `hi` of a node run's unsealed tail: every line after its last sealed chunk. */
export const UNSEALED_END = 2147483647;

/**
 * The stretches of the scope's lines that may hold a match: the sealed chunks whose word sets
 * match every pattern, and each node run's unsealed tail. In `seq` order per node run.
 *
 * The chunks are looked up in the GIN index by run key and trigrams, never found by reading the
 * table: its heap is a few pages (the words live in TOAST), so the planner would rather read it
 * all, or take a node run's chunks by primary key, and detoast every chunk's words to test them.
 * Hence `enable_seqscan` off for the statement and the node key compared as `node_key + 0`.
 */
export async function candidateRanges(
  db: DbOrTx,
  of: { nodeRun: string } | { run: string },
  patterns: string[],
): Promise<LineRange[]> {
  const nodes =
    'nodeRun' in of
      ? sql`SELECT log_key AS k FROM node_runs WHERE identifier = ${of.nodeRun}`
      : sql`SELECT log_key AS k FROM node_runs WHERE workflow_run_identifier = ${of.run}`;
  const owner =
    'nodeRun' in of
      ? sql`c.run_key = (SELECT w.log_key FROM workflow_runs w JOIN node_runs n
                           ON n.workflow_run_identifier = w.identifier
                         WHERE n.identifier = ${of.nodeRun})
            AND c.node_key + 0 = (SELECT log_key FROM node_runs WHERE identifier = ${of.nodeRun})`
      : sql`c.run_key = (SELECT log_key FROM workflow_runs WHERE identifier = ${of.run})`;
  // One LIKE per word (GIN cannot look up LIKE ALL(array)), in either word set, each with its
  // own index. The counted words first: a chunk where they hold the word is a candidate without
  // its `words` read from TOAST (a word in every chunk: 1–5 ms at 2M lines instead of 66).
  const matches = chunkMatches(patterns, 'c.');
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    return selectRows<LineRange>(
      tx,
      sql`SELECT c.node_key AS "nodeKey", c.first_seq AS lo, c.last_seq AS hi
          FROM log_chunks c WHERE ${owner}${sql.join(matches)}
          UNION ALL
          SELECT n.k, coalesce((SELECT last_seq FROM log_chunks WHERE node_key = n.k
                                ORDER BY first_seq DESC LIMIT 1), 0) + 1, ${UNSEALED_END}
          FROM (${nodes}) n
          ORDER BY 1, 2`,
    );
  });
}

/**
 * The index left at most a quarter of the sealed chunks: reading the candidates range by range
 * is cheaper than reading the whole scope (a parallel scan). Chunks are CHUNK_LINES long from seq
 * 1, so a tail starting at `lo` follows (lo - 1) / CHUNK_LINES sealed chunks.
 */
export function rulesOutMost(ranges: readonly LineRange[]): boolean {
  const tails = ranges.filter((r) => r.hi === UNSEALED_END);
  const sealed = tails.reduce((sum, r) => sum + (r.lo - 1) / CHUNK_LINES, 0);
  return sealed > 0 && (ranges.length - tails.length) * 4 <= sealed;
}

/**
 * `select(inRange, from)`, a query on `from` (log_lines, or a FROM item named so) that puts
 * `inRange` in its WHERE clause, run once per range as a LATERAL subquery `x`: each range is a
 * primary-key range scan. (A plain join of the ranges to log_lines is planned as a hash join over
 * a scan of every line.) Single lines (a chunk's listed candidates) are read apart, each taken
 * from its block of run `runKey` (log-blocks.ts linesAt) instead of its block unnested whole.
 */
export function perRange(
  ranges: readonly LineRange[],
  runKey: number,
  select: (inRange: SQL, from: SQL) => SQL,
): SQL {
  const inRange = sql`log_lines.node_key = r.node_key AND ${seqBetween(sql`r.lo`, sql`r.hi`)}`;
  const single = ranges.filter((r) => r.lo === r.hi);
  const spans = single.length ? ranges.filter((r) => r.lo !== r.hi) : ranges;
  const lateral = sql`unnest(${sql.param(spans.map((r) => r.nodeKey))}::int[],
                    ${sql.param(spans.map((r) => r.lo))}::int[],
                    ${sql.param(spans.map((r) => r.hi))}::int[]) AS r(node_key, lo, hi)
             CROSS JOIN LATERAL (${select(inRange, sql`log_lines`)}) x`;
  if (!single.length) return lateral;
  const lines = linesAt(
    runKey,
    sql`${sql.param(single.map((r) => r.nodeKey))}::int[]`,
    sql`${sql.param(single.map((r) => r.lo))}::int[]`,
  );
  return sql`(SELECT x.* FROM ${lateral}
    UNION ALL
    SELECT x.* FROM (${select(sql`true`, sql`${lines} AS log_lines`)}) x) x`;
}

/**
 * Deletes the chunks of these workflow runs' node runs, their listed pairs and their kept search
 * counts (retention, with the runs themselves).
 * Waits for the sealer's lock first, so a sealing transaction that read these lines before they
 * went cannot add a chunk after this one commits.
 */
export async function deleteRunChunks(tx: Tx, runs: string[]): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEAL_LOCK_KEY})`);
  const keys = sql`(SELECT log_key FROM workflow_runs WHERE identifier = ANY(${sql.param(runs)}::text[]))`;
  await tx.execute(sql`DELETE FROM log_chunks WHERE run_key IN ${keys}`);
  await tx.execute(
    sql`DELETE FROM log_chunk_pairs
        WHERE node_key IN (SELECT log_key FROM node_runs
                           WHERE workflow_run_identifier = ANY(${sql.param(runs)}::text[]))`,
  );
  await tx.execute(sql`DELETE FROM log_search_counts WHERE run_key IN ${keys}`);
}

/** A node run's last sealed line (0 when no chunk is sealed): its lines up to it never change. */
export async function lastSealedSeq(db: DbOrTx, nodeKey: number): Promise<number> {
  const [row] = await selectRows<{ s: number }>(
    db,
    sql`SELECT coalesce((SELECT last_seq FROM log_chunks WHERE node_key = ${nodeKey}
                         ORDER BY first_seq DESC LIMIT 1), 0) AS s`,
  );
  return row?.s ?? 0;
}

/**
 * `q` lower-cased when the chunks' word counts can count it: ASCII letters and digits only, 3 or
 * more. Without a separator every match of it lies inside one word of its line, and ILIKE (or
 * LIKE, for digits) finds it in a line exactly when lower() of the line's text, colour codes
 * gone, has a word containing it: what the word sets hold. Shorter terms have no trigram for
 * the index to look up. Null in a database whose lower() maps ASCII otherwise (term-lowering.ts).
 */
export function countableTerm(q: string): string | null {
  return /^[A-Za-z0-9]{3,}$/.test(q) && termsLowerAsJs() ? q.toLowerCase() : null;
}

export interface ChunkCount {
  /**
   * Matches after `after` in the chunks counted from their rows: from their counted words' counts,
   * their listed words' lines, or their kept pairs' counts (termLines').
   */
  counted: number;
  /**
   * What is left to read: the chunks where the term lies in two or more counted words (a line
   * may hold both) and whose `word_overlaps` are NULL, or in an unlisted word (a chunk sealed
   * before listed words, or split by PostgreSQL, or a word of digits in `numbers`), a chunk
   * `after` cuts, and the unsealed tail; termLines' are single lines where listed lines narrow a
   * chunk.
   */
  read: LineRange[];
  /** The node run's last sealed line. */
  sealedTo: number;
  /** The sealed chunks after `after` (those counted and those to read; termLines': lines / CHUNK_LINES). */
  chunks: number;
}

/**
 * The listed lines (domain/log-words.ts lineEntry's, concatenated) of the words of a chunk's
 * `words` that contain `term` (letters and digits: never found inside a word's listed lines). The
 * text is split at every match of the term (C-speed, no regexp: a regexp over every chunk's words
 * cost 3 times as much); the piece after a match, up to its first space, is the rest of that word
 * with its `!` and lines, or, when the word holds the term again, has no `!` (that word's last
 * match answers for it). Null for a chunk whose words are not listed.
 */
const listedLines = (column: SQL, term: string) =>
  sql`(SELECT coalesce(string_agg(substr(f, strpos(f, '!') + 1), ''), '')
       FROM unnest(string_to_array(${column}, ${term})) WITH ORDINALITY p(piece, i),
            split_part(p.piece, ' ', 1) f
       WHERE p.i > 1 AND strpos(f, '!') > 0)`;

/**
 * How many times `part` (ASCII) is in `text`, counted in bytes: PostgreSQL's `length()` of a
 * UTF-8 text counts its characters by reading it, `octet_length()` does not.
 */
const occurrences = (text: SQL, part: string) => {
  const removed = sql`octet_length(${text}) - octet_length(replace(${text}, ${part}, ''))`;
  return part.length === 1 ? sql`(${removed})` : sql`(${removed}) / ${part.length}`;
};

/**
 * The lines of a chunk's numbers by line in the comma form (`numbers` when `numbers_by_line` and
 * not `numbers_listed`: chunks sealed from s19search to s21numbers, domain/log-words.ts
 * NUMBER_LINE_ENDS) holding a number that contains `term` (digits alone), as listed entries
 * (listedLines' form: each its line and level in LINE_DIGITS characters of LINE_ALPHABET,
 * concatenated), '' when none. The text is split at every match of the term, as listedLines
 * does: the match before piece i (i > 1) lies in the line after the line ends (`,`) of pieces
 * 1…i − 1, summed in order, and its level is the first mark of NUMBER_LINE_ENDS in piece i — or,
 * when that piece has none (a second match in the same line), the line's last match answers for
 * it. C-speed string functions over the row's value, no regexp.
 */
const commaNumberLines = (column: SQL, term: string) => {
  const n = sql.raw(`(m.line * ${ENTRY_LEVELS} + m.level)`);
  const digit = (of: SQL) => sql`substr(${LINE_ALPHABET}, (${of})::int + 1, 1)`;
  // A piece's line ends counted once (octet_length: the text is ASCII; translate() of the digits
  // and spaces instead cost 1.3 ms of CPU a chunk of 4 096 ids, replace() of four line ends
  // 0.25 ms); its level from the character before its first line end, its level's mark or a
  // digit (INFO) (ltrim() of the digits and spaces read the whole piece in a UTF-8 database).
  return sql`(SELECT coalesce(string_agg(${digit(sql`${n} / 961`)} || ${digit(sql`${n} / 31 % 31`)}
                                   || ${digit(sql`${n} % 31`)}, ''), '')
       FROM (SELECT e.i, sum(e.ends) OVER (ORDER BY e.i) - e.ends AS line, e.level
             FROM (SELECT p.i, ${occurrences(sql.raw('p.piece'), ',')} AS ends,
                          CASE WHEN x.e > 0
                               THEN coalesce(nullif(strpos(${NUMBER_LINE_ENDS},
                                                    CASE WHEN x.e = 1 THEN ',' ELSE substr(p.piece, x.e - 1, 1) END),
                                             0), 2) - 1 END AS level
                   FROM unnest(string_to_array(${column}, ${term})) WITH ORDINALITY p(piece, i)
                   CROSS JOIN LATERAL (SELECT strpos(p.piece, ',') AS e) x) e) m
       WHERE m.i > 1 AND m.level IS NOT NULL)`;
};

/**
 * The lines of a chunk's numbers holding a number that contains `term` (digits alone), as listed
 * entries (listedLines' form), '' when none; NULL when its numbers do not tell their lines (not
 * `numbers_by_line`). `alias`: the chunk table's alias with its dot, or ''. In the listed form
 * (`numbers_listed`, domain/log-words.ts numbersListed) the text is split at every match of the
 * term, as listedLines does, and the piece after a match starts with the rest of its line's
 * numbers (digits and spaces) then the line's entry — or, when that line holds the term again, has
 * no entry (the line's last match answers for it). Its first 32 characters hold the entry but for
 * a line of long numbers, whose whole piece is then trimmed (ltrim() of a whole piece reads all of
 * it in a UTF-8 database; substr() takes the first characters alone). Chunks in the comma form are
 * read by commaNumberLines.
 */
const numberLines = (alias: '' | 'c.', term: string) => {
  const col = (name: string) => sql.raw(alias + name);
  const entry = (text: SQL) => sql`left(ltrim(${text}, '0123456789 '), ${LINE_DIGITS})`;
  return sql`CASE WHEN ${col('numbers_listed')}
    THEN (SELECT coalesce(string_agg(CASE WHEN length(x.e) = ${LINE_DIGITS} THEN x.e
                                          ELSE ${entry(sql`p.piece`)} END, ''), '')
          FROM unnest(string_to_array(${col('numbers')}, ${term})) WITH ORDINALITY p(piece, i)
          CROSS JOIN LATERAL (SELECT ${entry(sql`substr(p.piece, 1, 32)`)} AS e) x
          WHERE p.i > 1)
    WHEN ${col('numbers_by_line')} THEN ${commaNumberLines(col('numbers'), term)} END`;
};

/** The indexes in COUNT_LEVELS of `levels` (all four when empty). */
const levelIndexes = (levels: readonly string[]) =>
  COUNT_LEVELS.flatMap((l, i) => (!levels.length || levels.includes(l) ? [i] : []));

/**
 * A node run's chunks, looked up by its run's key in the indexes (which lead with `run_key`; the
 * node key compared as `node_key + 0` so the planner does not take them by primary key instead:
 * see candidateRanges).
 */
const ownedBy = (keys: { nodeKey: number; runKey: number }) =>
  sql`run_key = ${keys.runKey} AND node_key + 0 = ${keys.nodeKey}`;

/**
 * Runs `work` in a transaction that finds chunks through their indexes (enable_seqscan off, as
 * candidateRanges) with the node run's last sealed line read first (`sealedTo`): `work` takes only
 * chunks up to it. Each statement has its own snapshot, so a chunk sealed between the two reads is
 * then left to the tail's range, where it would otherwise be in neither (its matches lost, and the
 * count kept).
 */
function withSealedEnd<T>(
  db: DbOrTx,
  nodeKey: number,
  work: (tx: Tx, sealedTo: number) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    return work(tx, await lastSealedSeq(tx, nodeKey));
  });
}

/**
 * How many more times than once a sum of the counts of a chunk's counted words containing `term`
 * counted the lines at `at` (indexes in COUNT_LEVELS), from its `word_overlaps`
 * (domain/log-words.ts chunkOverlaps): for each group of words of which k > 1 contain the term,
 * its lines at those levels times k - 1. String functions on the row, as listedLines (the term
 * looked for in a group's words only).
 */
const overlapExcess = (term: string, at: number[]) => {
  const lines = sql.raw(
    at.map((i) => `split_part(split_part(g, '!', 2), ',', ${i + 1})::int`).join(' + ') || '0',
  );
  return sql`(SELECT coalesce(sum((k - 1) * (${lines})), 0)
       FROM unnest(CASE WHEN strpos(c.word_overlaps, ${term}) > 0
                        THEN string_to_array(c.word_overlaps, E'\n') END) g
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS k FROM unnest(string_to_array(split_part(g, '!', 1), ' ')) w
         WHERE strpos(w, ${term}) > 0) n
       WHERE k > 1)`;
};

/**
 * The chunks of `owner` whose uncounted words hold `term` (letters and digits), each with its
 * `listed` flag and `lines`: `wordLines` (the listed lines of its `words` holding the term, in
 * listedLines' form) when listed, NULL when not. A term of digits alone may be in `numbers` too: a
 * chunk's `words` and `numbers` each have their own index, one arm each (GIN cannot look up an OR
 * of two indexes in one scan), its numbers' lines where they are by line (numberLines), NULL (the
 * chunk read) where they are not.
 */
function uncountedHits(owner: SQL, term: string, wordLines: SQL): SQL {
  const like = `%${term}%`;
  const inWords = sql`SELECT first_seq, listed, CASE WHEN listed THEN ${wordLines} END AS lines
                      FROM log_chunks WHERE ${owner} AND words LIKE ${like}`;
  return DIGITS.test(term)
    ? sql`SELECT first_seq, bool_and(listed) AS listed, string_agg(lines, '') AS lines
          FROM (${inWords} UNION ALL
                SELECT first_seq, numbers_by_line, ${numberLines('', term)}
                FROM log_chunks
                WHERE ${owner} AND numbers LIKE ${like}) a GROUP BY 1`
    : inWords;
}

/**
 * Listed lines of a chunk that countFromChunks reads one by one, at most, to tell whether they
 * hold the counted words it summed (a 'mixed' chunk); past them it reads the chunk's 4 096 lines
 * in one range instead (a term like `lib` inside hundreds of words: 0.5 s at 400 000 lines read by
 * chunks, 3.8 s line by line).
 */
const MIXED_LINES_MAX = 256;

/**
 * A node run's matches of `term` (countableTerm's) at `levels` (all when empty) after seq
 * `after`, from its sealed chunks' rows where they answer exactly. A matching line is one holding
 * a word that contains the term. In a chunk where no uncounted word contains the term, that is
 * the lines of its counted words: their counts summed, less what the chunk's `word_overlaps` say
 * was summed more than once when several contain it (`0ms` in `10ms`, `20ms`…; overlapExcess); a
 * chunk without them (sealed before s18search, or with too many groups of them) is read when two or
 * more do. In a chunk where no counted word contains it, the lines listed beside its uncounted
 * words (each line once: one line may hold several such words), at the levels listed with them.
 * In a chunk where counted words and some uncounted ones contain it (`error` and `errors`),
 * those words' lines as above plus the listed lines that hold none of those counted words
 * (those few lines read and split as the sealer splits them). The chunks whose
 * uncounted words hold the term are found in the `words` index (as candidateRanges does, hence
 * enable_seqscan off); every chunk's counted words are read from its row (about a kilobyte,
 * stored inline), split only when they hold the term (an absent term: 3–8 ms at 2M lines instead
 * of 30–50). One statement, so one snapshot.
 */
export async function countFromChunks(
  db: DbOrTx,
  keys: { nodeKey: number; runKey: number },
  term: string,
  levels: readonly string[],
  after: number,
): Promise<ChunkCount> {
  const at = levelIndexes(levels);
  const lines = sql.raw(at.map((i) => `c.counts[u.i][${i + 1}]`).join(' + ') || '0');
  const owner = ownedBy(keys);
  const hits = uncountedHits(owner, term, listedLines(sql.raw('words'), term));
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    const [row] = await selectRows<{
      counted: string;
      lo: number[];
      hi: number[];
      listed: string[];
      mixed_lo: number[];
      mixed_hi: number[];
      mixed_lines: string[];
      mixed_word: string[];
      mixed_levels: string[];
      mixed: string[];
      sealed: number;
      chunks: number;
    }>(
      tx,
      sql`WITH hit AS MATERIALIZED (${hits}),
          ch AS (
            SELECT c.first_seq AS lo, c.last_seq AS hi, h.lines AS listed,
                   m.lines - CASE WHEN m.words > 1 THEN ${overlapExcess(term, at)} ELSE 0 END AS lines,
                   m.by_level,
                   CASE WHEN c.first_seq <= ${after} THEN 'read'
                        WHEN m.words > 1 AND c.word_overlaps IS NULL THEN 'read'
                        WHEN h.first_seq IS NULL THEN 'sum'
                        WHEN NOT h.listed THEN 'read'
                        WHEN m.words >= 1 THEN 'mixed'
                        ELSE 'listed' END AS how, m.word
            FROM log_chunks c LEFT JOIN hit h ON h.first_seq = c.first_seq
            CROSS JOIN LATERAL (
              SELECT count(*) AS words, coalesce(sum(${lines}), 0) AS lines,
                     string_agg(u.w, ' ') AS word,
                     concat_ws(',', ${sql.join(
                       [1, 2, 3, 4].map(
                         (l) =>
                           sql`sum(CASE WHEN h.first_seq IS NOT NULL THEN c.counts[u.i][${sql.raw(String(l))}] END)`,
                       ),
                       sql`, `,
                     )}) AS by_level
              FROM unnest(CASE WHEN strpos(c.counted, ${term}) > 0
                               THEN string_to_array(c.counted, ' ') END) WITH ORDINALITY u(w, i)
              WHERE strpos(u.w, ${term}) > 0) m
            WHERE c.node_key = ${keys.nodeKey} AND c.last_seq > ${after})
          SELECT coalesce(sum(lines) FILTER (WHERE how = 'sum'), 0) AS counted,
                 count(*)::int AS chunks,
                 coalesce(array_agg(lo) FILTER (WHERE how = 'mixed'), '{}') AS mixed_lo,
                 coalesce(array_agg(hi) FILTER (WHERE how = 'mixed'), '{}') AS mixed_hi,
                 coalesce(array_agg(lines) FILTER (WHERE how = 'mixed'), '{}') AS mixed_lines,
                 coalesce(array_agg(word) FILTER (WHERE how = 'mixed'), '{}') AS mixed_word,
                 coalesce(array_agg(by_level) FILTER (WHERE how = 'mixed'), '{}') AS mixed_levels,
                 coalesce(array_agg(listed) FILTER (WHERE how = 'mixed'), '{}') AS mixed,
                 coalesce(array_agg(lo ORDER BY lo) FILTER (WHERE how = 'read'), '{}') AS lo,
                 coalesce(array_agg(hi ORDER BY lo) FILTER (WHERE how = 'read'), '{}') AS hi,
                 coalesce(array_agg(listed) FILTER (WHERE how = 'listed'), '{}') AS listed,
                 coalesce((SELECT last_seq FROM log_chunks WHERE node_key = ${keys.nodeKey}
                           ORDER BY first_seq DESC LIMIT 1), 0) AS sealed
          FROM ch`,
    );
    const sealedTo = row?.sealed ?? 0;
    const read = (row?.lo ?? []).map((lo, i) => ({ nodeKey: keys.nodeKey, lo, hi: row!.hi[i]! }));
    read.push({ nodeKey: keys.nodeKey, lo: Math.max(sealedTo, after) + 1, hi: UNSEALED_END });
    let listed = 0;
    for (const entries of row?.listed ?? [])
      for (const entry of decodeLineEntries(entries)) if (at.includes(entryLevel(entry))) listed++;
    // A chunk whose counted words holding the term are summed, and whose listed words hold it
    // too: their lines (at the levels) that hold none of those counted words are matches as well
    // — all those at a level where none of those words is said (`502` at ERROR alone, the
    // numbers holding it at every level: s20search; `by_level`, made only for a chunk with a hit,
    // as each subscript decompresses `counts`), the others read one by one — or, past
    // MIXED_LINES_MAX lines to read, the chunk is read whole instead.
    let counted = Number(row?.counted ?? 0);
    const seqs: number[] = [];
    const of: string[] = [];
    for (const [i, entries] of (row?.mixed ?? []).entries()) {
      const said = row!.mixed_levels[i]!.split(',').map(Number);
      let unsaid = 0;
      const offsets: number[] = [];
      for (const entry of decodeLineEntries(entries))
        if (!at.includes(entryLevel(entry))) continue;
        else if (said[entryLevel(entry)] === 0) unsaid++;
        else offsets.push(entryLine(entry));
      if (offsets.length > MIXED_LINES_MAX) {
        read.push({ nodeKey: keys.nodeKey, lo: row!.mixed_lo[i]!, hi: row!.mixed_hi[i]! });
        continue;
      }
      counted += Number(row!.mixed_lines[i]) + unsaid;
      for (const offset of offsets) {
        seqs.push(row!.mixed_lo[i]! + offset);
        of.push(row!.mixed_word[i]!);
      }
    }
    listed += await countLinesWhere(
      tx,
      keys,
      seqs,
      of,
      (message, w) => sql`NOT (string_to_array(${w}, ' ') && ${words(searchable(message))})`,
    );
    return { counted: counted + listed, read, sealedTo, chunks: row?.chunks ?? 0 };
  });
}

/**
 * One LIKE per word of the term (GIN cannot look up LIKE ALL(array)), in either word set of a
 * chunk, each with its own index; a word of digits alone may be in `numbers` too
 * (domain/log-words.ts DIGITS). `alias`: the chunk table's alias with its dot, or ''.
 */
function chunkMatches(patterns: string[], alias: '' | 'c.') {
  const col = (name: string) => sql.raw(alias + name);
  return patterns.map((p) =>
    DIGITS.test(p.slice(1, -1))
      ? sql` AND (${col('counted')} LIKE ${p} OR ${col('words')} LIKE ${p} OR ${col('numbers')} LIKE ${p})`
      : sql` AND (${col('counted')} LIKE ${p} OR ${col('words')} LIKE ${p})`,
  );
}

/**
 * A search term of two words or more and the separators between them (phraseTerm's),
 * lower-cased: `words[j]`, then `separators[j]`, then `words[j + 1]`.
 */
export interface PhraseTerm {
  words: string[];
  separators: string[];
  /**
   * The separators before the first word and after the last ('' when none): a line holds the
   * phrase then only where its first word starts a word those end (and its last word ends one
   * they start).
   */
  before?: string;
  after?: string;
}

/** phraseTerm's shape: ASCII letters and digits, printable separators (or tabs) between them. */
const PHRASE_TERM =
  /^[\t\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]*[A-Za-z0-9]+(?:[\t\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+[A-Za-z0-9]+)+[\t\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]*$/;

/**
 * `q` as its words and the separators between them when the chunks' kept pairs can count it:
 * words of ASCII letters and digits, the first and the last of 3 or more (the index's reach, as
 * countableTerm's), between them runs of printable ASCII separators (or tabs: never
 * NEWLINE_IN_MESSAGE nor a newline), nothing before or after. A line holds such a term exactly
 * where it says a word ending with the first, each separator run exactly with the middle words
 * whole between them, then a word starting with the last: a separator is a whole run between two
 * words (letters and digits on both sides), so the words around it are whole words of the line.
 * A separator before the term (` returned 502`) says what precedes its first word, which no pair's
 * count knows: the first word is then a whole word, and the chunk's edges say whether every
 * occurrence of it has that separator before it (chainLines); likewise one after it (s20search).
 * Separators before or after longer than EDGE_MAX never are. Nor is a first word of digits
 * alone (`502 after`) looked up: nearly every chunk has uncounted numbers ending with it (ids,
 * counts), which only reading the chunk rules out. A last word of digits alone (`returned 502`) is
 * (s19search): the numbers starting with it are few, found in the index (chunksHolding).
 */
export function phraseTerm(q: string): PhraseTerm | null {
  if (!PHRASE_TERM.test(q) || !termsLowerAsJs()) return null;
  const lower = q.toLowerCase();
  const before = /^[^a-z0-9]*/.exec(lower)![0];
  const after = /[^a-z0-9]*$/.exec(lower)![0];
  const inner = lower.slice(before.length, lower.length - after.length);
  const words = inner.split(/[^a-z0-9]+/);
  const separators = inner.match(/[^a-z0-9]+/g)!;
  const first = words[0]!;
  const last = words[words.length - 1]!;
  if (first.length < 3 || last.length < 3 || DIGITS.test(first)) return null;
  if (before.length > EDGE_MAX || after.length > EDGE_MAX) return null;
  return before || after ? { words, separators, before, after } : { words, separators };
}

/**
 * A search term of one word with separators before and/or after it (edgedWord's), lower-cased:
 * `before + word + after`, at least one of the two not empty.
 */
export interface EdgedWord {
  word: string;
  before: string;
  after: string;
}

/** edgedWord's shape: printable ASCII separators (or tabs), letters and digits, separators. */
const EDGED_WORD =
  /^([\t\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]*)([A-Za-z0-9]{3,})([\t\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]*)$/;

/**
 * `q` as one word and the separators before and after it, when the chunks' edges can count it
 * (countEdgedWord): a word of ASCII letters and digits, 3 or more (the index's reach, as
 * countableTerm's), with a run of printable ASCII separators (or tabs: never NEWLINE_IN_MESSAGE
 * nor a newline) of at most EDGE_MAX before it, after it or both (`" failed"`, `"failed "` — a
 * person pausing after a word as the search is debounced —, `"failed:"`, `" 502 "`). A line holds
 * such a term exactly where it says a word starting with the word (a separator before it: the
 * word starts a word of the line) whose separator run before it ends with `before`, ending with
 * it (a separator after it) whose run after it starts with `after`, or being it (both). Null for
 * a term without a separator (countableTerm's) or of two words or more (phraseTerm's).
 */
export function edgedWord(q: string): EdgedWord | null {
  const m = EDGED_WORD.exec(q);
  if (!m || !termsLowerAsJs()) return null;
  const [, before, word, after] = m as unknown as [string, string, string, string];
  if (!before && !after) return null;
  if (before.length > EDGE_MAX || after.length > EDGE_MAX) return null;
  return { word: word.toLowerCase(), before, after };
}

/**
 * Whether a chunk's kept pairs can say what lines hold `phrase` (phraseTerm's): when exactly one
 * counted word ends with the first word (one "first " in the counted words and a space), exactly
 * one starts with the last (one " last"), the middle words are counted words, and the chunk's
 * uncounted words hold neither edge word (`hit`: the chunks whose `words` do, or whose numbers
 * start with a last word of digits; chainCandidates lists their lines), only those words can be a
 * match, and each adjacent two of them with their separator is the kept pair holding them (a
 * kept pair is two counted words and one run of separators: one holding "first<separator>second"
 * whole — ending the pair for a middle second word, starting it for a middle first word — is
 * those two words). Not when the chunk has no pairs (sealed before them, or split by
 * PostgreSQL), is cut by the cursor (`after`), or, for three words or more, a middle word is said
 * twice in a line of the chunk (`repeated`; NULL when sealed before s19search): then two pairs in
 * a line may not be one place. A separator before the phrase (or after) needs its first word
 * (last) to be a whole counted word every occurrence of which in the chunk has that separator
 * before it (after it), chunkEdges'. Evaluated once a chunk (chainOf): each counted word's
 * occurrences are counted in bytes (the words and separators are ASCII: a byte is a character),
 * not in characters, which PostgreSQL counts by reading the text.
 */
function chainGuard(phrase: PhraseTerm, after: number): SQL {
  const { words } = phrase;
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const middles = words.slice(1, -1);
  const notRepeated = middles.map(
    (w) => sql` AND strpos(' ' || c.repeated || ' ', ${` ${w} `}) = 0`,
  );
  const whole = (w: string) => sql`strpos(' ' || c.counted || ' ', ${` ${w} `})`;
  const edge = (w: string, side: 1 | 0) =>
    sql`split_part(c.edges, E'\n', greatest(1, 2 * ${spacesTo(sql`' ' || c.counted || ' '`, whole(w))} - ${sql.raw(String(side))}))`;
  const edges = [
    ...(phrase.before
      ? [
          sql` AND ${whole(first)} > 0 AND right(${edge(first, 1)}, ${phrase.before.length}) = ${phrase.before}`,
        ]
      : []),
    ...(phrase.after
      ? [
          sql` AND ${whole(last)} > 0 AND left(${edge(last, 0)}, ${phrase.after.length}) = ${phrase.after}`,
        ]
      : []),
  ];
  return sql`c.pairs IS NOT NULL AND c.first_seq > ${after}
             AND strpos(c.counted, ${first}) > 0 AND strpos(c.counted, ${last}) > 0
             ${middles.length ? sql`AND c.repeated IS NOT NULL${sql.join(notRepeated)}` : sql``}
             AND ${occurrences(sql`(c.counted || ' ')`, `${first} `)} = 1
             AND ${occurrences(sql`(' ' || c.counted)`, ` ${last}`)} = 1
             ${edges.length ? sql`AND c.edges IS NOT NULL${sql.join(edges)}` : sql``}`;
}

/**
 * A LATERAL item `k` beside each chunk `c`: `ok`, chainGuard's answer, `held`, whether the
 * chunk's uncounted words may hold an edge word too (in `hit`), and `pair_lines`, the lines its
 * listed pairs say hold the phrase (`pairs`, pairLinesOf's, with `lp` joined; NULL when they
 * cannot tell or there is no `pairs`), each evaluated
 * once a chunk (`OFFSET 0`: PostgreSQL would otherwise put the expression back in each column
 * naming it, and "upstream returned" at 2M lines evaluated the guard and `hit` 7 times a chunk).
 */
function chainOf(phrase: PhraseTerm, pairs: PairLines | null, after: number): SQL {
  // (Where the guard holds, a counted word ends with the first word and one starts with the
  // last: the listed pairs cannot tell, and are not looked at.)
  return sql`CROSS JOIN LATERAL (
    SELECT g.ok, g.ok AND EXISTS (SELECT 1 FROM hit h WHERE h.first_seq = c.first_seq) AS held,
           ${pairs ? sql`CASE WHEN NOT g.ok AND ${pairs.when} THEN ${pairs.lines} END` : sql`NULL::text`} AS pair_lines
    FROM (SELECT ${chainGuard(phrase, after)} AS ok OFFSET 0) g OFFSET 0) k`;
}

/**
 * What a chunk's kept pairs say of `phrase` where chainGuard holds (chainOf's `k.ok`), NULL
 * elsewhere: for each pair of adjacent words of the phrase its kept pair's lines at each level,
 * then for each middle word its lines at each level (flat, 4 numbers each); chainCount makes the
 * count of them. A line holds the phrase where it says a word ending with the first word, the
 * first separator, the middle words whole with their separators, then a word starting with the
 * last word (phraseTerm); where chainGuard holds, those are the kept pairs' lines, or the chunk
 * is read when a pair is not kept (held by fewer than COUNTED_MIN_LINES lines, or not at all).
 * String functions on the row's columns, the pairs decompressed once (no LIKE: the words and
 * separators need no escaping).
 */
function chainLines(phrase: PhraseTerm): SQL {
  const { words, separators } = phrase;
  const middles = words.slice(1, -1);
  const k = separators.length;
  // Each pair as its kept pair's text holds it: a middle word is whole (a newline before or after).
  const needles = separators.map(
    (separator, j) =>
      (j > 0 ? '\n' : '') + words[j]! + separator + words[j + 1]! + (j < k - 1 ? '\n' : ''),
  );
  // The index (from 1) of the line of `text` at `pos` (in `pp` lines are newline-ended, in `ww`
  // words space-ended): the separators up to it, counted in bytes.
  const index = (text: string, pos: string, by: string) =>
    occurrences(sql.raw(`left(${text}, ${pos})`), by);
  const perLevel = (column: string, i: SQL) =>
    sql.join(
      [1, 2, 3, 4].map((l) => sql`c.${sql.raw(column)}[${i}][${sql.raw(String(l))}]`),
      sql`, `,
    );
  const pairAt = needles.map((needle, j) => sql`strpos(t.pp, ${needle}) AS p${sql.raw(String(j))}`);
  const wordAt = middles.map((w, j) => sql`strpos(t.ww, ${` ${w} `}) AS w${sql.raw(String(j))}`);
  const found = [
    ...needles.map((_, j) => sql`u.p${sql.raw(String(j))} > 0`),
    ...middles.map((_, j) => sql`u.w${sql.raw(String(j))} > 0`),
  ];
  // The pairs' and middle words' indexes, each found once, then their counts.
  const indexes = [
    ...needles.map((_, j) => sql`${index('u.pp', `u.p${j}`, '\n')} AS i${sql.raw(String(j))}`),
    ...middles.map((_, j) => sql`${index('u.ww', `u.w${j}`, ' ')} AS i${sql.raw(String(k + j))}`),
  ];
  const counts = [
    ...needles.map((_, j) => perLevel('pair_counts', sql.raw(`v.i${j}`))),
    ...middles.map((_, j) => perLevel('counts', sql.raw(`v.i${k + j}`))),
  ];
  return sql`CASE WHEN k.ok
                  THEN (SELECT ARRAY[${sql.join(counts, sql`, `)}]::int[]
                        FROM (SELECT ${sql.join(indexes, sql`, `)}
                              FROM (SELECT t.pp, t.ww, ${sql.join([...pairAt, ...wordAt], sql`, `)}
                                    FROM (SELECT E'\n' || c.pairs || E'\n' AS pp,
                                                 ' ' || c.counted || ' ' AS ww OFFSET 0) t
                                    OFFSET 0) u
                              WHERE ${sql.join(found, sql` AND `)} OFFSET 0) v) END`;
}

/** The spaces in the first `pos` characters of `text`. */
const spacesTo = (text: SQL, pos: SQL) => occurrences(sql`left(${text}, ${pos})`, ' ');

/**
 * Where chainLines' counts leave lines out: a chunk whose uncounted words may hold an edge word of
 * `phrase` (in `hit`, chunksHolding's: chainOf's `k.held`) may have lines holding the phrase
 * through them, beside those of its counted words. Those lines are among the lines listed for its
 * uncounted words holding the first or the last word (and, for a last word of digits, the numbers
 * by line holding it): their listed entries (listedLines' form), '' for a chunk not in `hit`,
 * NULL when they are not listed (a chunk sealed before listed words or numbers by line: it is
 * read) or the chain cannot count the chunk (chainGuard). Also, for a chunk in `hit`, the
 * counted words that are the edge words' candidates (`a`, `z`): a listed line holding the phrase
 * through them is in the pairs' count already (chainForm). `hit` is read (and made, once) only
 * where the chain may count: a phrase of rare words (`connection reset by peer`) never reads
 * every chunk's words.
 */
function chainCandidates(phrase: PhraseTerm): SQL {
  const first = phrase.words[0]!;
  const last = phrase.words[phrase.words.length - 1]!;
  const digits = DIGITS.test(last);
  const listed = (lines: SQL) =>
    sql`CASE WHEN NOT k.ok THEN NULL
             WHEN NOT k.held THEN ''
             WHEN c.listed ${digits ? sql`AND c.numbers_by_line` : sql``} THEN ${lines} END`;
  // The lines of the counted word `a` (`z`) per level, comma-joined (its index in `counted` is
  // the spaces before it), only for a chunk with candidates: `counts` is decompressed for each
  // subscript, once for the slice (every chunk's four times over cost "upstream returned" 2M
  // ~100 ms of CPU).
  const levelsOf = (i: SQL) => sql`array_to_string(c.counts[${i}:${i}], ',')`;
  return sql`${listed(listedLines(sql.raw('c.words'), first))} AS candidates,
             ${listed(
               digits
                 ? sql`${listedLines(sql.raw('c.words'), last)} || ${numberLines('c.', last)}`
                 : listedLines(sql.raw('c.words'), last),
             )} AS candidates_z,
             CASE WHEN k.held
                  THEN ${levelsOf(sql`1 + ${spacesTo(sql.raw('c.counted'), sql`strpos(c.counted || ' ', ${`${first} `}) - 1`)}`)}
                  END AS a_levels,
             CASE WHEN k.held
                  THEN ${levelsOf(spacesTo(sql`' ' || c.counted`, sql`strpos(' ' || c.counted, ${` ${last}`})`))}
                  END AS z_levels,
             CASE WHEN k.held
                  THEN split_part(left(c.counted || ' ', strpos(c.counted || ' ', ${`${first} `}) + ${first.length - 1}),
                                  ' ', -1) END AS a,
             CASE WHEN k.held
                  THEN split_part(substr(' ' || c.counted, strpos(' ' || c.counted, ${` ${last}`}) + 1), ' ', 1)
                  END AS z`;
}

/** pairLinesOf's answer: when a chunk's listed pairs tell, and the lines they say. */
interface PairLines {
  when: SQL;
  lines: SQL;
}

/**
 * Whether a chunk's listed pairs (domain/log-words.ts listedPairs) tell which of its lines hold
 * `phrase` (two words, nothing before or after them: phraseTerm's; `when`), and those lines'
 * listed entries (listedLines' form) where they do (`lines`), or null for any other term. They
 * tell where no counted word ends with the first word, or none starts with the last (a word with
 * a letter: a number, never listed, may start with digits): every word of a line that could hold
 * the phrase there is listed, and so is the pair holding it. A listed pair holds it exactly where
 * its text holds the two words and the separator (one run of separators between two whole
 * words), so the text is split at each match and the lines after the match's PAIR_LINES taken.
 * Not for a chunk with no listed pairs (no row in log_chunk_pairs, `lp`, joined beside it: sealed
 * before s22pairs, split by PostgreSQL, too many), cut by the cursor (`after`), nor a separator
 * longer than the pairs keep.
 */
function pairLinesOf(phrase: PhraseTerm | null, after: number): PairLines | null {
  if (!phrase || phrase.words.length !== 2 || phrase.before || phrase.after) return null;
  const [first, last] = phrase.words as [string, string];
  const separator = phrase.separators[0]!;
  if (separator.length > LISTED_PAIR_SEPARATOR_MAX) return null;
  const noneStarts = DIGITS.test(last)
    ? sql``
    : sql` OR strpos(' ' || c.counted, ${` ${last}`}) = 0`;
  return {
    when: sql`(lp.listed_pairs IS NOT NULL AND c.first_seq > ${after}
               AND (strpos(c.counted || ' ', ${`${first} `}) = 0${noneStarts}))`,
    lines: sql`(SELECT coalesce(string_agg(split_part(substr(p.piece, strpos(p.piece, ${PAIR_LINES}) + 1),
                                                      E'\n', 1), ''), '')
                FROM unnest(string_to_array(lp.listed_pairs, ${first + separator + last}))
                     WITH ORDINALITY p(piece, i)
                WHERE p.i > 1)`,
  };
}

/** The ASCII separators of a line's words (domain/log-words.ts WORD_SEPARATORS), for a regexp. */
const SEPARATOR_CLASS = '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]';

/**
 * A regular expression (PostgreSQL's) that a line, lower-cased and without colour codes, matches
 * where it holds `phrase` through the counted words `a` and `z` (chainCandidates'): a, the
 * phrase's separators and middle words, z, each a whole word.
 */
export function chainForm(phrase: PhraseTerm, a: string, z: string): string {
  const literal = (text: string) =>
    text.replace(/[^A-Za-z0-9\u0080-\uffff]/g, (c) => (c === '\t' ? '\\t' : `\\${c}`));
  const words = [a, ...phrase.words.slice(1, -1), z];
  const said = words
    .map(
      (w, j) => literal(w) + (j < phrase.separators.length ? literal(phrase.separators[j]!) : ''),
    )
    .join('');
  return `(^|${SEPARATOR_CLASS})${said}(${SEPARATOR_CLASS}|$)`;
}

/**
 * The lines holding a phrase of `pairs` adjacent pairs at the levels (`at`: indexes in
 * COUNT_LEVELS), from chainLines' counts (its pairs' lines per level, then its middle words'), or
 * null when they cannot tell. With each middle word said at most once in a line, a line holding
 * every pair holds the phrase (its pairs meet at the middle words' one place), so its lines are
 * where the pairs' lines meet. That is one pair's lines when every pair before it holds every line
 * of its second word and every pair after it every line of its first word (counts equal at every
 * level: a pair's lines are some of its words'): then the lines of that pair hold the middle words
 * of the others, and with them the others. Else null (the chunk is read).
 */
export function chainCount(chain: number[], pairs: number, at: number[]): number | null {
  const pair = (j: number) => chain.slice(j * 4, j * 4 + 4);
  const word = (m: number) => chain.slice((pairs + m) * 4, (pairs + m) * 4 + 4);
  const same = (a: number[], b: number[]) => a.every((n, l) => n === b[l]);
  for (let star = 0; star < pairs; star++) {
    let holds = true;
    for (let j = 0; j < pairs && holds; j++)
      if (j < star) holds = same(pair(j), word(j));
      else if (j > star) holds = same(pair(j), word(j - 1));
    if (holds) return at.reduce((sum, l) => sum + pair(star)[l]!, 0);
  }
  return null;
}

/**
 * What may stand before a number in a chunk's `numbers`, as a regular expression's class: a
 * space, an entry's character (the listed form's: LINE_ALPHABET, NUMBER_LINE_ENDS among them) or
 * the start of the text. None is a letter or a digit, so pg_trgm takes the class for a word's
 * start (`[^0-9]` would be any character to it: every chunk's numbers read).
 */
const BEFORE_NUMBER = `(^|[]${LINE_ALPHABET.replace(/[\]-]/g, '').replace(/\\/g, '\\\\')} -])`;

/**
 * The chunks whose uncounted words may hold the edge words of a phrase (phraseTerm's): whose
 * `words` hold one, one arm per word, each looked up in the index; and for a last word of digits,
 * whose numbers hold a number starting with it (a regular expression the trigram index looks up
 * with the start of a number, so only chunks with numbers starting with its first two digits
 * are read: `returned 502` in a chunk of ids is not read for ids ending with or holding 502).
 */
function chunksHolding(owner: SQL, phrase: PhraseTerm): SQL {
  const first = phrase.words[0]!;
  const last = phrase.words[phrase.words.length - 1]!;
  const arms = [first, last].map(
    (w) => sql`SELECT first_seq FROM log_chunks WHERE ${owner} AND words LIKE ${`%${w}%`}`,
  );
  if (DIGITS.test(last))
    arms.push(
      sql`SELECT first_seq FROM log_chunks
          WHERE ${owner} AND numbers ~ ${BEFORE_NUMBER + last}`,
    );
  return sql.join(arms, sql` UNION `);
}

/**
 * What a node run's count of a term that is not one word (`connection reset`, `user=42`,
 * `ERR-17`: countableTerm's null) must read after seq `after`, narrowed by the listed lines: the
 * lines matching it all hold a word containing each of its words (`patterns`, chunkPatterns'),
 * so in a sealed chunk where one of those words lies in listed words only (in no counted word),
 * only the lines listed for it can match — those of every such word, intersected — and only
 * they are read (single-line ranges); a chunk where every word of the term is counted (or not
 * listed) is read whole, and a chunk lacking a word is not read. Plus the unsealed tail. The
 * caller counts the real match in what is returned (so the answer is exact whatever was listed).
 * A term of two words or more (`phrase`, phraseTerm's) is counted at `levels` (all when empty)
 * from the kept pairs of the chunks where they can tell (chainLines, chainCount): `counted`.
 */
export async function termLines(
  db: DbOrTx,
  keys: { nodeKey: number; runKey: number },
  patterns: string[],
  after: number,
  phrase: PhraseTerm | null = null,
  levels: readonly string[] = [],
): Promise<ChunkCount> {
  const terms = patterns.map((p) => p.slice(1, -1));
  // (A word of digits alone may be in `numbers` too: their lines where they are by line, else
  // the chunk is read.)
  const listedOf = (w: string) =>
    DIGITS.test(w)
      ? sql`CASE WHEN listed AND strpos(counted, ${w}) = 0
                      AND (numbers_by_line OR strpos(numbers, ${w}) = 0)
                 THEN ${listedLines(sql.raw('words'), w)} || coalesce(${numberLines('', w)}, '') END`
      : sql`CASE WHEN listed AND strpos(counted, ${w}) = 0
                 THEN ${listedLines(sql.raw('words'), w)} END`;
  const matches = chunkMatches(patterns, 'c.');
  const owner = ownedBy(keys);
  const at = levelIndexes(levels);
  const hit = phrase
    ? chunksHolding(owner, phrase)
    : sql`SELECT NULL::int AS first_seq WHERE false`;
  // The chunks' listed pairs (`lp`), joined only for a phrase they may count.
  const pairs = pairLinesOf(phrase, after);
  return withSealedEnd(db, keys.nodeKey, async (tx, sealedTo) => {
    const chunkRows = sql`SELECT c.first_seq AS lo, c.last_seq AS hi,
                 ${pairs ? sql`k.pair_lines` : sql`NULL::text`} AS pair_lines,
                 ${pairs ? sql`CASE WHEN k.pair_lines IS NULL THEN` : sql``}
                   ARRAY[${sql.join(terms.map(listedOf), sql`, `)}]
                 ${pairs ? sql`END` : sql``} AS lines,
                 ${phrase ? chainLines(phrase) : sql`NULL::int[]`} AS chain,
                 ${
                   phrase
                     ? chainCandidates(phrase)
                     : sql`NULL AS candidates, NULL AS candidates_z, NULL AS a_levels, NULL AS z_levels,
                                                            NULL AS a, NULL AS z`
                 }
          FROM log_chunks c
          ${pairs ? sql`LEFT JOIN log_chunk_pairs lp ON lp.node_key = ${keys.nodeKey} AND lp.first_seq = c.first_seq` : sql``}
          ${phrase ? chainOf(phrase, pairs, after) : sql``}
          WHERE c.run_key = ${keys.runKey} AND c.node_key + 0 = ${keys.nodeKey}
            AND c.last_seq > ${after} AND c.last_seq <= ${sealedTo}${sql.join(matches)}
          ORDER BY c.first_seq`;
    // A phrase of two words: the chunks its one kept pair counts with no candidate to read come
    // summed per level, as one row (lo 0) that the loop below counts as it would each of them
    // (chainCount of one pair: its lines at the levels asked for). The rows of every chunk cost
    // "upstream returned" at 2M lines ~4 ms of parsing 488 rows.
    const alone = sql.raw(
      `coalesce(r.chain IS NOT NULL AND r.candidates = '' AND r.candidates_z = '', false)`,
    );
    const rows = await selectRows<{
      lo: number;
      hi: number;
      pair_lines: string | null;
      lines: (string | null)[] | null;
      chain: number[] | null;
      candidates: string | null;
      candidates_z: string | null;
      a_levels: string | null;
      z_levels: string | null;
      a: string | null;
      z: string | null;
    }>(
      tx,
      phrase?.words.length === 2
        ? sql`WITH hit AS MATERIALIZED (${hit}), r AS MATERIALIZED (${chunkRows})
              SELECT * FROM r WHERE NOT ${alone}
              UNION ALL
              SELECT 0, 0, NULL::text, NULL::text[],
                     ARRAY[sum(r.chain[1]), sum(r.chain[2]), sum(r.chain[3]), sum(r.chain[4])]::int[],
                     '', '', NULL::text, NULL::text, NULL::text, NULL::text
              FROM r WHERE ${alone} HAVING count(*) > 0
              ORDER BY 1`
        : sql`WITH hit AS MATERIALIZED (${hit}) ${chunkRows}`,
    );
    const read: LineRange[] = [];
    let counted = 0;
    // Listed lines of chunks counted from their pairs that may hold the phrase through uncounted
    // words too, and the form of the phrase the pairs counted there (chainCandidates).
    const recheck: number[] = [];
    const forms: string[] = [];
    for (const row of rows) {
      const { lo, hi, lines, chain, candidates, a, z } = row;
      // Counted from the listed pairs (pairLinesOf): each line once, at the levels asked for.
      if (row.pair_lines !== null) {
        for (const entry of decodeLineEntries(row.pair_lines))
          if (at.includes(entryLevel(entry))) counted++;
        continue;
      }
      const n = chain && candidates !== null && chainCount(chain, phrase!.separators.length, at);
      if (n !== null && n !== false) {
        counted += n;
        // (`a` and `z` come only with candidates, for a chunk in `hit`.)
        let form: string | null = null;
        // A line holds the phrase through an uncounted word holding its first word (listed in
        // `candidates`) only beside a word starting with its last: `z`, or one listed in
        // `candidates_z`; likewise the other way round. So a line listed for one edge word alone,
        // at a level where the other edge's counted word is never said, is no match: not read
        // (`returned 502`: "returned" said at ERROR alone, numbers starting with 502 at every
        // level; s20search).
        const firsts = decodeLineEntries(candidates!);
        const lasts = decodeLineEntries(row.candidates_z!);
        const aSaid = row.a_levels?.split(',').map(Number) ?? [];
        const zSaid = row.z_levels?.split(',').map(Number) ?? [];
        for (const entry of new Set([...firsts, ...lasts])) {
          const level = entryLevel(entry);
          if (!at.includes(level)) continue;
          if (!lasts.has(entry) && zSaid[level] === 0) continue;
          if (!firsts.has(entry) && aSaid[level] === 0) continue;
          recheck.push(lo + entryLine(entry));
          forms.push((form ??= chainForm(phrase!, a!, z!)));
        }
        continue;
      }
      const listed = lines!
        .filter((entries): entries is string => entries !== null)
        .map((entries) => new Set([...decodeLineEntries(entries)].map(entryLine)));
      if (!listed.length) read.push({ nodeKey: keys.nodeKey, lo, hi });
      else
        for (const o of [...listed[0]!]
          .filter((o) => listed.every((set) => set.has(o)))
          .sort((a, b) => a - b))
          if (lo + o > after) read.push({ nodeKey: keys.nodeKey, lo: lo + o, hi: lo + o });
    }
    // Those holding the phrase, but not through the counted words the pairs counted.
    counted += await countLinesWhere(
      tx,
      keys,
      recheck,
      forms,
      (message, form) =>
        sql`${messageMatches(message, phraseText(phrase!))} AND NOT ${searchable(message)} ~ ${form}`,
    );
    read.push({ nodeKey: keys.nodeKey, lo: Math.max(sealedTo, after) + 1, hi: UNSEALED_END });
    return { counted, read, sealedTo, chunks: Math.max(0, sealedTo - after) / CHUNK_LINES };
  });
}

/**
 * The lines listed beside a chunk's uncounted words (`words`, listedLines' entries) that may hold
 * `term` (edgedWord's) through such a word: with a separator before it, the words starting with
 * its word (found after a space, `words` given one before its first word), with one after it, those
 * ending with it (found before the `!` that ends a word), with both, the word itself. (A word
 * containing it elsewhere cannot hold the term: its letters and digits around the match.)
 */
const edgedListedLines = (column: SQL, term: EdgedWord) => {
  const needle = (term.before ? ' ' : '') + term.word + (term.after ? '!' : '');
  const text = term.before ? sql`' ' || ${column}` : column;
  // After a needle ending with `!` the piece starts with the word's lines; else with the rest of
  // the word, its `!`, then its lines.
  return term.after
    ? sql`(SELECT coalesce(string_agg(split_part(p.piece, ' ', 1), ''), '')
           FROM unnest(string_to_array(${text}, ${needle})) WITH ORDINALITY p(piece, i)
           WHERE p.i > 1)`
    : listedLines(text, needle);
};

/**
 * What a chunk's edge of a counted word (chunkEdges': the separators ending every run before
 * each of its occurrences, `side` 'before', or starting every run after, 'after') says of
 * `separator` around every occurrence: `all` hold it (the edge ends, or starts, with it), `none`
 * can (the two differ within the shorter: every run ends with the edge; or LINE_EDGE: every
 * occurrence starts, or ends, its line), or `unknown` (the edge is '' — some occurrences start or
 * end their line and some not, or the runs differ — or a part of the separator).
 */
export function edgeSays(
  edge: string,
  separator: string,
  side: 'before' | 'after',
): 'all' | 'none' | 'unknown' {
  if (!separator) return 'all';
  if (edge === LINE_EDGE) return 'none';
  const holds = (a: string, b: string) => (side === 'before' ? a.endsWith(b) : a.startsWith(b));
  if (holds(edge, separator)) return 'all';
  if (edge === '' || holds(separator, edge)) return 'unknown';
  return 'none';
}

/**
 * A node run's matches of `term` (edgedWord's: one word with separators before and/or after it)
 * at `levels` (all when empty) after seq `after`, from its sealed chunks' rows where their edges
 * tell; the other chunks are left to read. A line holds the term exactly where one of its words
 * holds the word in the term's place (a word starting with it when a separator is before it,
 * ending with it when one is after, the word itself for both) with the term's separators around
 * it (edgedWord). In a sealed chunk:
 * - each counted word holding the word in that place whose edges (chunkEdges') say every
 *   occurrence has the separators around it (edgeSays' `all`) holds the term in all its lines:
 *   their counts at the levels summed, less the lines holding two or more such words, from the
 *   chunk's `word_overlaps` (any two share a trigram of the word: chunkOverlaps' groups hold them);
 *   one whose edges say none can have them contributes nothing;
 * - the lines listed for its uncounted words holding the word in that place (edgedListedLines;
 *   for a word of digits alone also those of numbers by line holding it, numberLines') are read one
 *   by one: a match unless it holds one of the words summed (counted there already);
 * - the chunk is read whole when a counted word's edges cannot tell (`unknown`, or NULL: sealed
 *   before s20search or split by PostgreSQL), when two or more words are summed and its overlaps
 *   are NULL, when its uncounted words are not listed (or, for digits, its numbers not by line),
 *   when more than MIXED_LINES_MAX listed lines are to be read, or when the cursor cuts it.
 * A chunk whose counted and uncounted words do not hold the word adds nothing. Plus the unsealed
 * tail. Digits alone (`" 502"`) are counted so too: the counted numbers are words like the others,
 * and the uncounted ones' lines are in the numbers by line.
 */
export async function countEdgedWord(
  db: DbOrTx,
  keys: { nodeKey: number; runKey: number },
  term: EdgedWord,
  levels: readonly string[],
  after: number,
): Promise<ChunkCount> {
  const { word } = term;
  const at = levelIndexes(levels);
  const owner = ownedBy(keys);
  const hits = uncountedHits(owner, word, edgedListedLines(sql.raw('words'), term));
  // A counted word holding the word in the term's place.
  const placed =
    term.before && term.after
      ? sql`u.w = ${word}`
      : term.before
        ? sql`left(u.w, ${word.length}) = ${word}`
        : sql`right(u.w, ${word.length}) = ${word}`;
  const text = term.before + word + term.after;
  return withSealedEnd(db, keys.nodeKey, async (tx, sealedTo) => {
    const rows = await selectRows<{
      lo: number;
      hi: number;
      edges: boolean;
      hit: boolean;
      lines: string | null;
      words: string[] | null;
      before: string[] | null;
      after: string[] | null;
      counts: string[] | null;
      overlaps: string | null;
    }>(
      tx,
      // Each subscript of `counts` decompresses it: one slice a candidate word, only for them.
      sql`WITH hit AS MATERIALIZED (${hits})
          SELECT c.first_seq AS lo, c.last_seq AS hi, c.edges IS NOT NULL AS edges,
                 h.first_seq IS NOT NULL AS hit, CASE WHEN h.listed THEN h.lines END AS lines,
                 m.words, m.before, m.after, m.counts,
                 CASE WHEN m.n > 1 THEN c.word_overlaps END AS overlaps
          FROM log_chunks c LEFT JOIN hit h ON h.first_seq = c.first_seq
          CROSS JOIN LATERAL (
            SELECT count(*) AS n, array_agg(u.w ORDER BY u.i) AS words,
                   array_agg(split_part(c.edges, E'\n', 2 * u.i::int - 1) ORDER BY u.i) AS before,
                   array_agg(split_part(c.edges, E'\n', 2 * u.i::int) ORDER BY u.i) AS after,
                   array_agg(array_to_string(c.counts[u.i:u.i], ',') ORDER BY u.i) AS counts
            FROM unnest(CASE WHEN strpos(c.counted, ${word}) > 0
                             THEN string_to_array(c.counted, ' ') END) WITH ORDINALITY u(w, i)
            WHERE ${placed}) m
          WHERE c.node_key = ${keys.nodeKey} AND c.last_seq > ${after} AND c.last_seq <= ${sealedTo}
            AND (m.n > 0 OR h.first_seq IS NOT NULL)
          ORDER BY c.first_seq`,
    );
    const read: LineRange[] = [];
    let counted = 0;
    // Listed lines to read, and beside each the words summed in its chunk (space-joined).
    const seqs: number[] = [];
    const summedOf: string[] = [];
    for (const row of rows) {
      const whole = { nodeKey: keys.nodeKey, lo: row.lo, hi: row.hi };
      if (row.lo <= after) {
        read.push(whole);
        continue;
      }
      const holding = row.words ?? [];
      const summed: number[] = [];
      let tells = true;
      for (const i of holding.keys()) {
        const says = row.edges
          ? [
              edgeSays(row.before![i]!, term.before, 'before'),
              edgeSays(row.after![i]!, term.after, 'after'),
            ]
          : ['unknown'];
        if (says.includes('none')) continue;
        if (says.includes('unknown')) tells = false;
        else summed.push(i);
      }
      if (
        !tells ||
        (summed.length > 1 && row.overlaps === null) ||
        (row.hit && row.lines === null)
      ) {
        read.push(whole);
        continue;
      }
      const listed = row.hit
        ? [...decodeLineEntries(row.lines!)].filter((e) => at.includes(entryLevel(e)))
        : [];
      if (listed.length > MIXED_LINES_MAX) {
        read.push(whole);
        continue;
      }
      const perLevel = summed.map((i) => row.counts![i]!.split(',').map(Number));
      counted += perLevel.reduce((sum, n) => sum + at.reduce((s, l) => s + n[l]!, 0), 0);
      if (summed.length > 1) {
        // Lines holding k > 1 of the summed words were summed k times.
        const inSum = new Set(summed.map((i) => holding[i]!));
        for (const group of row.overlaps!.split('\n')) {
          const [held, lines] = group.split('!') as [string, string];
          const k = held.split(' ').filter((w) => inSum.has(w)).length;
          if (k > 1) {
            const n = lines.split(',').map(Number);
            counted += (1 - k) * at.reduce((s, l) => s + n[l]!, 0);
          }
        }
      }
      const names = summed.map((i) => holding[i]!).join(' ');
      for (const entry of listed) {
        seqs.push(row.lo + entryLine(entry));
        summedOf.push(names);
      }
    }
    // A listed line holding the term but none of the words summed in its chunk.
    counted += await countLinesWhere(
      tx,
      keys,
      seqs,
      summedOf,
      (message, names) =>
        sql`${messageMatches(message, text)}
            AND NOT (string_to_array(${names}, ' ') && ${words(searchable(message))})`,
    );
    read.push({ nodeKey: keys.nodeKey, lo: Math.max(sealedTo, after) + 1, hi: UNSEALED_END });
    return { counted, read, sealedTo, chunks: Math.max(0, sealedTo - after) / CHUNK_LINES };
  });
}

/**
 * How many of the node run's lines numbered `seqs` pass `where(message, value)`, `values[i]` the
 * value beside `seqs[i]` (0 without a line to read).
 */
async function countLinesWhere(
  tx: DbOrTx,
  keys: { nodeKey: number; runKey: number },
  seqs: number[],
  values: string[],
  where: (message: SQL, value: SQL) => SQL,
): Promise<number> {
  if (!seqs.length) return 0;
  const [row] = await selectRows<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n
        FROM unnest(${sql.param(seqs)}::int[], ${sql.param(values)}::text[]) AS r(seq, v)
        JOIN ${linesAt(
          keys.runKey,
          sql`array_fill(${keys.nodeKey}::int, ARRAY[${seqs.length}::int])`,
          sql`${sql.param(seqs)}::int[]`,
        )} l
          ON l.seq = r.seq
        WHERE ${where(sql.raw('l.message'), sql.raw('r.v'))}`,
  );
  return row?.n ?? 0;
}

/** The phrase as a term again (lower-cased: a search ignores case). */
const phraseText = (phrase: PhraseTerm) =>
  (phrase.before ?? '') +
  phrase.words.map((w, j) => w + (phrase.separators[j] ?? '')).join('') +
  (phrase.after ?? '');
