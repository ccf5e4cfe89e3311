import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { openEmbedded, selectRows } from '../server/db/client';
import { sealLogChunks } from '../server/services/log-chunks';
import { insertBenchLinesSql } from './bench-log-lines';

const dir = mkdtempSync(path.join(tmpdir(), 's12probe-'));
const database = await openEmbedded({ dataDir: dir });
const { db } = database;
try {
  const now = new Date().toISOString();
  await db.execute(sql`INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status, created_by, created_at, updated_at)
      VALUES ('wfr_Probe00000001', 'bench', 1, 'COMPLETED', 'bench', ${now}, ${now})`);
  await db.execute(sql`INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type, status, created_at, updated_at)
      VALUES ('wfnr_Probe0000001', 'wfr_Probe00000001', 'work', 'WEBHOOK', 'COMPLETED', ${now}, ${now})`);
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  await pool.query(insertBenchLinesSql(50000), ['wfr_Probe00000001', 'wfnr_Probe0000001', 0, 1, 40960]);
  await sealLogChunks(db);
  console.log(
    await selectRows(
      db,
      sql`SELECT first_seq, pg_column_size(c.*) AS row, pg_column_size(counted) AS counted, octet_length(counted) AS counted_len,
        pg_column_size(counts) AS counts, pg_column_size(pairs) AS pairs, octet_length(pairs) AS pairs_len,
        pg_column_size(pair_counts) AS pair_counts, pg_column_size(words) AS words, pg_column_size(numbers) AS numbers,
        array_length(string_to_array(pairs, E'\n'), 1) AS n_pairs, array_length(string_to_array(counted, ' '), 1) AS n_counted
        FROM log_chunks c ORDER BY first_seq LIMIT 3`,
    ),
  );
  const [p] = await selectRows<{ pairs: string }>(db, sql`SELECT pairs FROM log_chunks LIMIT 1`);
  console.log(JSON.stringify(p!.pairs.split('\n').slice(0, 40)));
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
