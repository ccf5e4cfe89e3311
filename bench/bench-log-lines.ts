/**
 * A FROM item for a statement inserting into log_lines_in (migration s19blocks): its lines are
 * stored as blocks of 100, as the ingest stores 100-line batches (bench/load.ts's writers), not of
 * 4 096 (the most a block holds), so a bench's bytes and reads are the ingest's.
 */
export const INGEST_BLOCKS = `CROSS JOIN (SELECT set_config('runboard.log_block_lines', '100', true)) AS ingest_blocks`;

/**
 * The log lines the search benches generate (bench/log-viewer.ts, bench/search-count.ts, which
 * compare figures of the same data): lines `$4`..`$5` of node run `$2` of run `$1`, whose run
 * seqs follow `$3`. 1 % ERROR ("request … failed: upstream returned 502 …"), 5 % WARN, 24 % DEBUG,
 * the rest INFO ("processed item …"); a tag on every tenth; "found the needle" in every
 * `needleEvery`-th; "connection reset by peer for user=… (ERR-…)" in every 1000th (at WARN:
 * the search benches' rare word, two-word and punctuated terms); one time for each 100 lines, as
 * the ingest gives a batch's lines its time. One statement for pg's `query(text, [run, node,
 * runBase, from, to])`. Stored as the ingest stores them (INGEST_BLOCKS: a block's lines then share
 * its time, and it stores none of its own).
 */
export const insertBenchLinesSql = (needleEvery: number) => `
  INSERT INTO log_lines_in (run_key, node_key, seq, run_seq, level, message, tags, created_at)
  SELECT (SELECT log_key FROM workflow_runs WHERE identifier = $1),
    (SELECT log_key FROM node_runs WHERE identifier = $2), g, $3 + g,
    CASE WHEN g % 100 = 0 THEN 'ERROR' WHEN g % 20 = 0 THEN 'WARN'
         WHEN g % 4 = 0 THEN 'DEBUG' ELSE 'INFO' END,
    CASE WHEN g % ${Math.trunc(needleEvery)} = 0 THEN 'found the needle in request ' || g
         WHEN g % 1000 = 340 THEN 'connection reset by peer for user=' || (g / 1000 % 50) || ' (ERR-' || (g % 17) || ')'
         WHEN g % 100 = 0 THEN 'request ' || g || ' failed: upstream returned 502 after ' || (g % 977) || 'ms'
         ELSE 'processed item ' || g || ' of batch ' || (g / 1000) || ' in ' || (g % 97) || 'ms' END,
    CASE WHEN g % 10 = 0 THEN jsonb_build_object('batch', (g / 1000)::text) ELSE NULL END,
    now() - interval '1 hour' + (g - 1) / 100 * interval '100 milliseconds'
  FROM generate_series($4::int, $5::int) g ${INGEST_BLOCKS}`;
