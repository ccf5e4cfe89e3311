import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type DbOrTx } from './client';

/**
 * A node run's lines are stored as blocks (schema.ts logBlocks, s19blocks) and read as lines
 * through the view `log_lines`, which unnests each block it reads. A condition on a line's `seq`
 * alone is tested after the unnest (every block of the scope would be read); these conditions name
 * the blocks holding the lines on their own columns, which PostgreSQL pushes down to log_blocks'
 * primary key (node_key, first_seq): a block holds at most BLOCK_LINES lines, so the blocks holding
 * a line of [lo, hi] start in (lo - BLOCK_LINES, hi] and end at lo or later.
 */

/** Lines a block holds at most (a line's id is its block's id × BLOCK_LINES + its place in it). */
export const BLOCK_LINES = 4096;

const value = (v: number | SQL) => (typeof v === 'number' ? sql`${v}::int` : v);

/**
 * A condition on `log_lines` (named `table`, default log_lines): the blocks that may hold the
 * node run's lines with seq in [lo, hi] (either may be a column of a lateral row). Put beside the
 * condition on `seq` itself, and the node run's key.
 */
export function blocksOver(lo: number | SQL, hi: number | SQL, table = 'log_lines'): SQL {
  const t = sql.raw(table);
  return sql`${t}.block_first > ${value(lo)} - ${sql.raw(String(BLOCK_LINES))}
    AND ${t}.block_first <= ${value(hi)} AND ${t}.block_last >= ${value(lo)}`;
}

/** The node run's lines with seq in [lo, hi] and the blocks holding them (blocksOver). */
export function seqBetween(lo: number | SQL, hi: number | SQL, table = 'log_lines'): SQL {
  const t = sql.raw(table);
  return sql`${t}.seq BETWEEN ${value(lo)} AND ${value(hi)} AND ${blocksOver(lo, hi, table)}`;
}

/** The run's lines with run_seq in [lo, hi] and the blocks holding them (a block's run_seqs follow each other too). */
export function runSeqBetween(lo: number | SQL, hi: number | SQL, table = 'log_lines'): SQL {
  const t = sql.raw(table);
  return sql`${t}.run_seq BETWEEN ${value(lo)} AND ${value(hi)}
    AND ${t}.block_run_seq > ${value(lo)} - ${sql.raw(String(BLOCK_LINES))}
    AND ${t}.block_run_seq <= ${value(hi)}`;
}

const MAX_SEQ = 2147483647;

/**
 * A scope's lines numbered in (after, upTo] (a node run's by seq, a whole run's by run_seq) and
 * the blocks holding them.
 */
export function linesIn(byNodeRun: boolean, after: number, upTo = MAX_SEQ): SQL {
  return byNodeRun ? seqBetween(after + 1, upTo) : runSeqBetween(after + 1, upTo);
}

/**
 * A subquery for a LATERAL join: `columns` of the block of run `runKey` that may hold line `seq`
 * of node run `nodeKey` (its last block starting at or before the line: one primary-key probe).
 * The caller checks the line is not past the block's `last_seq` where a gap may fall.
 */
function blockHolding(runKey: number, nodeKey: SQL, seq: SQL, columns: SQL): SQL {
  return sql`(SELECT ${columns} FROM log_blocks
              WHERE run_key = ${runKey} AND node_key = ${nodeKey}
                AND first_seq <= ${seq} AND first_seq > ${seq} - ${sql.raw(String(BLOCK_LINES))}
              ORDER BY first_seq DESC LIMIT 1)`;
}

/**
 * A condition on `log_lines`: the blocks holding these lines of a run's node runs (`at`: each
 * line's node run key and seq), found first by one primary-key probe a line (the last block of
 * its node run starting at or before it), so a page of lines far apart reads only their blocks,
 * not every block between the first and the last.
 */
export async function blocksAt(
  db: DbOrTx,
  runKey: number,
  at: readonly { nodeKey: number; seq: number }[],
): Promise<SQL> {
  if (!at.length) return sql`false`;
  const found = await selectRows<{ nodeKey: number; first: number[] }>(
    db,
    sql`SELECT l.node_key AS "nodeKey", array_agg(DISTINCT b.first_seq) AS first
        FROM unnest(${sql.param(at.map((a) => a.nodeKey))}::int[],
                    ${sql.param(at.map((a) => a.seq))}::int[]) AS l(node_key, seq)
        CROSS JOIN LATERAL ${blockHolding(runKey, sql`l.node_key`, sql`l.seq`, sql`first_seq`)} b
        GROUP BY l.node_key`,
  );
  if (!found.length) return sql`false`;
  const arms = found.map(
    (f) =>
      sql`(log_lines.node_key = ${f.nodeKey} AND log_lines.block_first = ANY(${sql.param(f.first)}::int[]))`,
  );
  return sql`(${sql.join(arms, sql` OR `)})`;
}

/**
 * A subquery with the columns of the view log_lines (to be named so where a read's filters name
 * them): the lines numbered `seqs[i]` of node
 * runs `nodeKeys[i]` (int[] SQL values) of run `runKey`, each found by one primary-key probe (the
 * last block of its node run starting at or before it) and taken from its block by subscript, so
 * a line costs one block's arrays decompressed, not the whole block unnested (2 000 listed lines at
 * 2M lines: 178 -> 25 ms; a read of single lines through the view unnested 100 lines for each).
 * `block_text` is the line's own message here: a filter on it (log-filter.ts blockMayMatch) is
 * then one on the line, which the caller's filter on `message` decides anyway. The message is
 * taken out of its block once (`OFFSET 0` keeps PostgreSQL from putting the subscript back in
 * each place that names it: a search's filters name it four times, and each subscript
 * decompressed the block's messages again: "connection reset" at 2M lines, 2 000 lines read,
 * 21 -> 14 ms).
 */
export function linesAt(runKey: number, nodeKeys: SQL, seqs: SQL): SQL {
  return sql`(SELECT b.node_key, s.seq, b.run_key, b.run_seq + s.seq - b.first_seq AS run_seq,
      coalesce(b.times[s.seq - b.first_seq + 1], b.created_at) AS created_at,
      b.id * ${sql.raw(String(BLOCK_LINES))} + s.seq - b.first_seq AS id,
      CASE substr(b.levels, s.seq - b.first_seq + 1, 1) WHEN 'D' THEN 'DEBUG' WHEN 'I' THEN 'INFO'
        WHEN 'W' THEN 'WARN' ELSE 'ERROR' END AS level,
      m.message, b.tags[s.seq - b.first_seq + 1] AS tags,
      b.first_seq AS block_first, b.last_seq AS block_last, b.run_seq AS block_run_seq,
      b.levels ~ '[WE]' AS block_marked, m.message AS block_text
    FROM unnest(${nodeKeys}, ${seqs}) AS s(node_key, seq)
    CROSS JOIN LATERAL ${blockHolding(runKey, sql`s.node_key`, sql`s.seq`, sql`*`)} b
    CROSS JOIN LATERAL (SELECT b.messages[s.seq - b.first_seq + 1] AS message OFFSET 0) m
    WHERE s.seq <= b.last_seq)`;
}
