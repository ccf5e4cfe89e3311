import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from './client';
import type { LineRange } from './log-chunks';
import { selectRows } from './client';
import { blocksAt, blocksOver } from './log-blocks';

/**
 * A whole run's lines by `run_seq`, without an index of every line by (run_key, run_seq) (issue
 * 17: that index cost the ingest ~1.3 µs of PostgreSQL's CPU a line, a fifth of its write).
 *
 * A write numbers a batch's lines in one stretch of its node run (`seq`) and of its run
 * (`run_seq`), and records the stretch in `log_segments` (run key, first run_seq, node key, first
 * seq, lines). Within a node run `run_seq` grows with `seq`, so the run's lines in any stretch
 * (lo, hi] of run_seq are, for each node run, one range of `seq`: the segments that overlap the
 * stretch give each node run's range, and log_blocks' primary key (node_key, first_seq) reads them
 * (db/log-blocks.ts).
 * A page by position is then a bounded stretch (numbering has no gaps: the page after `after` is
 * (after, after + limit]); a filtered read goes stretch by stretch, each four times the last.
 */

/**
 * Per node run, the range of `seq` holding run `runKey`'s lines with run_seq in (lo, hi]: from
 * the segment holding line lo + 1 (the last one starting at or before it: the segments tile the
 * run's numbers 1…log_seq) to the last one starting at or before hi, each cut to the stretch.
 */
export function runRanges(db: DbOrTx, runKey: number, lo: number, hi: number) {
  return selectRows<LineRange>(
    db,
    sql`SELECT s.node_key AS "nodeKey",
          min(s.seq + greatest(${lo} + 1 - s.run_seq, 0))::int AS lo,
          max(s.seq + least(${hi} - s.run_seq, s.lines - 1))::int AS hi
        FROM log_segments s
        WHERE s.run_key = ${runKey} AND s.run_seq <= ${hi}
          AND s.run_seq >= coalesce((SELECT max(run_seq) FROM log_segments
                                     WHERE run_key = ${runKey} AND run_seq <= ${lo} + 1), 0)
        GROUP BY s.node_key
        ORDER BY 1`,
  );
}

/**
 * A condition on log_lines: the lines of run `runKey` with run_seq in (lo, hi], as ranges
 * of its primary key (each node run's arm an index range; PostgreSQL ORs them in a bitmap), or
 * `false` when the stretch holds none.
 */
export async function runStretch(db: DbOrTx, runKey: number, lo: number, hi: number): Promise<SQL> {
  if (hi <= lo) return sql`false`;
  const ranges = await runRanges(db, runKey, lo, hi);
  if (!ranges.length) return sql`false`;
  // The blocks' arms apart from the lines': an OR of conditions on the blocks' columns alone is
  // tested on log_blocks (each arm an index range), one that names a line's seq only after the
  // unnest of every block the scan left.
  const blocks = ranges.map(
    (r) => sql`(log_lines.node_key = ${r.nodeKey} AND ${blocksOver(r.lo, r.hi)})`,
  );
  const lines = ranges.map(
    (r) => sql`(log_lines.node_key = ${r.nodeKey} AND log_lines.seq BETWEEN ${r.lo} AND ${r.hi})`,
  );
  return sql`(log_lines.run_key = ${runKey} AND log_lines.run_seq > ${lo}
              AND log_lines.run_seq <= ${hi} AND (${sql.join(blocks, sql` OR `)})
              AND (${sql.join(lines, sql` OR `)}))`;
}

/**
 * A condition on log_lines: run `runKey`'s lines numbered `runSeqs` in the run, each found
 * through its segment (one index probe a number), as primary-key points.
 */
export async function runLinesAt(db: DbOrTx, runKey: number, runSeqs: number[]): Promise<SQL> {
  if (!runSeqs.length) return sql`false`;
  const at = await selectRows<{ nodeKey: number; seq: number }>(
    db,
    sql`SELECT s.node_key AS "nodeKey", (s.seq + q.rs - s.run_seq)::int AS seq
        FROM unnest(${sql.param(runSeqs)}::int[]) AS q(rs)
        CROSS JOIN LATERAL (SELECT node_key, seq, run_seq FROM log_segments
                            WHERE run_key = ${runKey} AND run_seq <= q.rs
                            ORDER BY run_seq DESC LIMIT 1) s`,
  );
  if (!at.length) return sql`false`;
  // The blocks holding the pairs (one primary-key probe each), then only the numbers asked for:
  // a line of one node run at another's seq that is numbered one of runSeqs is one asked for (a
  // number is one line).
  const byNode = new Map<number, number[]>();
  for (const a of at) byNode.set(a.nodeKey, [...(byNode.get(a.nodeKey) ?? []), a.seq]);
  const lines = [...byNode].map(
    ([nodeKey, seqs]) =>
      sql`(log_lines.node_key = ${nodeKey} AND log_lines.seq = ANY(${sql.param(seqs)}::int[]))`,
  );
  return sql`(log_lines.run_key = ${runKey} AND ${await blocksAt(db, runKey, at)}
              AND (${sql.join(lines, sql` OR `)})
              AND log_lines.run_seq = ANY(${sql.param(runSeqs)}::int[]))`;
}

/**
 * Reads a run's lines in run_seq order stretch by stretch, from `after` up (or, `desc`, from
 * `last` down to `after`), until `limit` rows are found or the stretches reach the end: the first
 * stretch `first` lines (a page by position: exactly the page), each next four times longer.
 * `read(stretch, limit)` reads up to `limit` rows of a stretch, in the same order.
 */
export function readRunInStretches<T>(
  db: DbOrTx,
  runKey: number,
  o: Stretches,
  read: (stretch: SQL, limit: number) => Promise<T[]>,
): Promise<T[]> {
  return readInStretches(o, (lo, hi) => runStretch(db, runKey, lo, hi), read);
}

/** Where readInStretches reads: after `after` up to `last`, `limit` rows, the first stretch `first` lines. */
export interface Stretches {
  after: number;
  last: number;
  desc: boolean;
  limit: number;
  first: number;
}

/**
 * Reads a scope's lines in order stretch by stretch (readRunInStretches), each stretch (lo, hi]
 * the condition `stretchOf(lo, hi)`: a node run's lines are read so too, its blocks named by
 * each stretch (db/log-blocks.ts), so a page reads the blocks it needs, not every block after
 * its cursor.
 */
export async function readInStretches<T>(
  o: Stretches,
  stretchOf: (lo: number, hi: number) => SQL | Promise<SQL>,
  read: (stretch: SQL, limit: number) => Promise<T[]>,
): Promise<T[]> {
  const rows: T[] = [];
  let size = Math.max(1, o.first);
  if (!o.desc) {
    for (let lo = o.after; rows.length < o.limit && lo < o.last; size *= 4) {
      const hi = Math.min(o.last, lo + size);
      rows.push(...(await read(await stretchOf(lo, hi), o.limit - rows.length)));
      lo = hi;
    }
  } else {
    for (let hi = o.last; rows.length < o.limit && hi > o.after; size *= 4) {
      const lo = Math.max(o.after, hi - size);
      rows.push(...(await read(await stretchOf(lo, hi), o.limit - rows.length)));
      hi = lo;
    }
  }
  return rows;
}
