import { sql } from 'drizzle-orm';
import { selectRows, type DbOrTx } from './client';

/**
 * Partitions of log_blocks that PostgreSQL has never analyzed though they hold at least
 * `minRows` changed rows. Their planner statistics say "empty", so a page of a node run's lines
 * is planned for one row: a bitmap of every line of the run, then a sort (a 200-line tail of a
 * 100 000-line log read all 100 000: ~0.8 s against 0.13 ms once analyzed). Autovacuum analyzes
 * them only at its next round (a minute by default, later on a busy server).
 */
export async function unanalyzedLogPartitions(db: DbOrTx, minRows: number): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(
    db,
    sql`SELECT s.relid::regclass::text AS name
        FROM pg_stat_user_tables s JOIN pg_inherits i ON i.inhrelid = s.relid
        WHERE i.inhparent = 'log_blocks'::regclass
          AND s.last_analyze IS NULL AND s.last_autoanalyze IS NULL
          AND s.n_mod_since_analyze >= ${minRows}`,
  );
  return rows.map((r) => r.name);
}

/** ANALYZE one partition (its name as unanalyzedLogPartitions gives it). */
export async function analyzeLogPartition(db: DbOrTx, name: string) {
  if (!/^[\w.]+$/.test(name)) throw new Error(`not a partition name: ${name}`);
  await db.execute(sql.raw(`ANALYZE ${name}`));
}
