import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  serial,
  smallint,
  pgTable,
  pgView,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * People (admin, member) and machine credentials (role machine: a backend's client id/secret).
 * A person signs in with a password or SSO and may also hold client credentials (the seeded ones
 * do); a machine row always has them. DISABLED rows are refused everywhere at once.
 */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  role: text('role', { enum: ['admin', 'member', 'machine'] }).notNull(),
  clientId: text('client_id').unique(),
  clientSecretHash: text('client_secret_hash'),
  /** A person's name; a machine credential's name is kept in firstName. */
  firstName: text('first_name'),
  lastName: text('last_name'),
  status: text('status', { enum: ['ACTIVE', 'DISABLED'] })
    .notNull()
    .default('ACTIVE'),
  /** argon2id (PHC string); null: no password sign-in. */
  passwordHash: text('password_hash'),
  /** Last successful token request or sign-in. */
  lastUsedAt: ts('last_used_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Browser sessions: the cookie holds a random id; only its sha256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    /** How the person signed in: password, oidc, or token (a bearer token exchanged). */
    method: text('method').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Fixed-window counters for rate limits, shared by every server on the database: one row per
 * key (e.g. `token:client:<id>`, `token:ip:<address>`) and window start.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: ts('window_start').notNull(),
  count: integer('count').notNull(),
});

export const accessTokens = pgTable('access_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: ts('expires_at').notNull(),
});

export const workflows = pgTable('workflows', {
  identifier: text('identifier').primaryKey(),
  title: text('title').notNull(),
  icon: text('icon'),
  description: text('description'),
  category: text('category'),
  allowAnyoneToViewRuns: boolean('allow_anyone_to_view_runs').notNull().default(true),
  nodes: jsonb('nodes').notNull(),
  connections: jsonb('connections').notNull(),
  version: integer('version').notNull().default(1),
  createdBy: text('created_by').notNull(),
  updatedBy: text('updated_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * The graph of every version a workflow has had. A run advances by the graph of the version it
 * started on, even after the workflow is replaced or deleted, so rows outlive their workflow.
 */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    workflowIdentifier: text('workflow_identifier').notNull(),
    version: integer('version').notNull(),
    nodes: jsonb('nodes').notNull(),
    connections: jsonb('connections').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowIdentifier, t.version] })],
);

export const workflowRuns = pgTable(
  'workflow_runs',
  {
    identifier: text('identifier').primaryKey(),
    workflowIdentifier: text('workflow_identifier').notNull(),
    workflowVersion: integer('workflow_version').notNull(),
    title: text('title'),
    icon: text('icon'),
    status: text('status', { enum: ['IN_PROGRESS', 'CANCELLING', 'COMPLETED'] }).notNull(),
    result: text('result', { enum: ['SUCCESS', 'FAILED', 'CANCELLED'] }),
    outputs: jsonb('outputs').notNull().default({}),
    inputs: jsonb('inputs').notNull().default({}),
    entity: text('entity'),
    rerunOf: text('rerun_of'),
    /** Visibility is fixed when the run starts, from the workflow's allowAnyoneToViewRuns. */
    allowAnyoneToView: boolean('allow_anyone_to_view').notNull().default(true),
    /** Last run-wide log sequence number handed out (for `GET /runs/{wfr}/logs` cursors). */
    logSeq: integer('log_seq').notNull().default(0),
    /** The run's compact key in its log lines (log_blocks.run_key): 4 bytes, not the text id. */
    logKey: serial('log_key').notNull().unique(),
    /**
     * Stamped from one sequence by a trigger on every insert and update (migration
     * h17_change_stamps): a poll's ETag sums the run's and its node runs' stamps, so an unchanged
     * run answers 304 without being read.
     */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    completedAt: ts('completed_at'),
    /**
     * [ext] completed_at - created_at in ms, null in progress: stored so the trends' percentiles
     * over tens of thousands of runs do not compute it (numeric arithmetic) on every read.
     */
    durationMs: doublePrecision('duration_ms').generatedAlwaysAs(
      sql`(extract(epoch FROM completed_at - created_at) * 1000)::float8`,
    ),
  },
  (t) => [
    index('workflow_runs_list_idx').on(t.createdAt.desc(), t.identifier.desc()),
    index('workflow_runs_wf_list_idx').on(
      t.workflowIdentifier,
      t.createdAt.desc(),
      t.identifier.desc(),
    ),
    index('workflow_runs_status_idx').on(t.status),
    index('workflow_runs_entity_idx').on(t.entity, t.createdAt.desc()),
    index('workflow_runs_rerun_of_idx').on(t.rerunOf),
    /**
     * [ext] Trends (db/trends.ts): every column the run-level aggregates and points read, so
     * they are an index-only scan of the range.
     */
    index('workflow_runs_trends_idx').on(
      t.workflowIdentifier,
      t.createdAt,
      t.identifier,
      t.status,
      t.result,
      t.durationMs,
      t.allowAnyoneToView,
      t.createdBy,
    ),
  ],
);

export const nodeRuns = pgTable(
  'node_runs',
  {
    identifier: text('identifier').primaryKey(),
    /** Insertion order: node runs created in one transaction share createdAt. */
    ord: bigserial('ord', { mode: 'number' }).notNull(),
    workflowRunIdentifier: text('workflow_run_identifier')
      .notNull()
      .references(() => workflowRuns.identifier, { onDelete: 'cascade' }),
    nodeIdentifier: text('node_identifier').notNull(),
    nodeTitle: text('node_title'),
    nodeIcon: text('node_icon'),
    nodeConfigType: text('node_config_type').notNull(),
    status: text('status', { enum: ['IN_PROGRESS', 'COMPLETED'] }).notNull(),
    result: text('result', { enum: ['SUCCESS', 'FAILED', 'CANCELLED'] }),
    output: jsonb('output').notNull().default({}),
    /** A re-run's node run whose result and output were copied from this node run of the original. */
    reusedFrom: text('reused_from'),
    logSeq: integer('log_seq').notNull().default(0),
    /** The node run's compact key in its log lines (log_blocks.node_key). */
    logKey: serial('log_key').notNull().unique(),
    debugCount: integer('debug_count').notNull().default(0),
    infoCount: integer('info_count').notNull().default(0),
    warnCount: integer('warn_count').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    /** Stamped like workflow_runs.version on every insert and update. */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    completedAt: ts('completed_at'),
    /** When the backend dispatcher took this node run (WEBHOOK, UPSERT_ENTITY); null until then. */
    dispatchedAt: ts('dispatched_at'),
    /** INTEGRATION_ACTION: the agent installation that may claim it, and the node's config. */
    installationId: text('installation_id'),
    config: jsonb('config'),
    /** When an agent acknowledged (took) it; it is never handed out again after that. */
    acknowledgedAt: ts('acknowledged_at'),
    /** What the executor calls this run (Ocean's `externalRunId`) and its links. */
    externalRunId: text('external_run_id'),
    links: jsonb('links'),
  },
  (t) => [
    index('node_runs_run_idx').on(t.workflowRunIdentifier, t.ord),
    index('node_runs_undispatched_idx')
      .on(t.ord)
      .where(sql`status = 'IN_PROGRESS' AND dispatched_at IS NULL`),
    index('node_runs_external_idx').on(t.externalRunId),
  ],
);

/**
 * [ext] The root of a large node output read shallowly (its kind, size, and its first children
 * with their kinds, sizes and previews: what `GET …/output/shallow` answers for the root),
 * computed once when the output is written, so the root of a 10 MB output is shown without
 * PostgreSQL detoasting and decompressing the whole stored value on every read. Only outputs
 * stored in 8 KB or more have one (a smaller one is cheap to read); written with the output by
 * `updateNodeRun` (db/workflow-runs.ts), a re-run's copy and the backfill of migration
 * s9boot_output_roots_backfill. A finished node run's output never changes, so neither does it.
 */
export const nodeRunOutputRoots = pgTable('node_run_output_roots', {
  nodeRunIdentifier: text('node_run_identifier')
    .primaryKey()
    .references(() => nodeRuns.identifier, { onDelete: 'cascade' }),
  /** `{kind, size, preview, length, entries: [[key, kind, size, preview, length], …]}`. */
  root: jsonb('root').notNull(),
});

/**
 * [ext] The trends' narrow copy of the node runs that count (completed, not re-used, not the
 * trigger): one row per such node run, with its run's workflow, creation time and visibility
 * so the per-node aggregate never joins node_runs to workflow_runs. Kept by the
 * `node_run_durations_sync` trigger on node_runs (custom migration 0015_trend_durations), so
 * every path that inserts or completes a node run (run engine, run controls, re-runs, demo seed,
 * bulk SQL) keeps it exact; it is never written by application code.
 */
export const nodeRunDurations = pgTable(
  'node_run_durations',
  {
    nodeRunIdentifier: text('node_run_identifier')
      .primaryKey()
      .references(() => nodeRuns.identifier, { onDelete: 'cascade' }),
    workflowIdentifier: text('workflow_identifier').notNull(),
    /** The run's createdAt: trends select runs by when they were created. */
    runCreatedAt: ts('run_created_at').notNull(),
    nodeIdentifier: text('node_identifier').notNull(),
    nodeTitle: text('node_title'),
    /** completed_at - created_at of the node run in ms; null if it has no completed_at. */
    durationMs: doublePrecision('duration_ms'),
    failed: boolean('failed').notNull(),
    /** The run's visibility (fixed when the run starts). */
    allowAnyoneToView: boolean('allow_anyone_to_view').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    /**
     * Per node, the range's rows in one index-only range scan (db/trends.ts nodeTrends walks
     * the workflow's node identifiers, then aggregates each node's slice).
     */
    index('node_run_durations_trends_idx').on(
      t.workflowIdentifier,
      t.nodeIdentifier,
      t.runCreatedAt,
      t.durationMs,
      t.failed,
      t.allowAnyoneToView,
      t.createdBy,
    ),
  ],
);

/**
 * A node run's log lines stored as blocks (issue 17, s19blocks): one row per batch the ingest
 * wrote (or per stretch a bulk writer wrote, `log_lines_in`), its lines as arrays — `messages`,
 * `levels` (one letter a line: D, I, W, E), `tags` (NULL when no line has any) and `times` (NULL
 * when every line has the block's `created_at`) — numbered `first_seq`…`last_seq` in the node run
 * and `run_seq`… in the run (a batch is one stretch of both). A row per line cost the ingest
 * twice PostgreSQL's CPU and ten times the WAL of a row per batch; TOAST compresses a block whole.
 *
 * Read as lines through the view `log_lines` (logLines below; custom migration s19blocks), which
 * unnests each block; a read names the blocks it needs by their columns (`block_first`,
 * `block_last`, `block_marked`), which PostgreSQL pushes down to this table's indexes: a page by
 * cursor reads the few blocks around it (the primary key (node_key, first_seq)), a level filter on
 * WARN/ERROR only the blocks holding such a line (a partial index on `levels ~ '[WE]'`: it prunes
 * when such lines are rare, a block of 100 lines holding one is marked). A whole run's lines (by
 * `run_seq`) are found through `log_segments` (db/log-segments.ts), each node run's blocks by its
 * own indexes. A line's `id`
 * (Port's line shape) is its block's `id` × 4 096 + its place in the block (a block holds at most
 * 4 096 lines: a larger batch is cut; db/log-blocks.ts).
 *
 * Partitioned by RANGE (run_key) (custom migrations h17part_partitioned_lines and s19blocks;
 * drizzle-kit does not model partitioning, so this declaration describes the columns and the
 * parent's indexes only): a run's blocks all live in one partition, and retention drops a
 * partition whose runs have all expired (services/retention.ts, db/log-partitions.ts). Each
 * partition has (node_key, first_seq) as its primary key (unique overall: a node run belongs to
 * one run). Read with the run's key too (`logOwner`), so only its partition is planned.
 */
export const logBlocks = pgTable(
  'log_blocks',
  {
    nodeKey: integer('node_key').notNull(),
    firstSeq: integer('first_seq').notNull(),
    lastSeq: integer('last_seq').notNull(),
    runKey: integer('run_key').notNull(),
    runSeq: integer('run_seq').notNull(),
    createdAt: ts('created_at').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    levels: text('levels').notNull(),
    messages: text('messages').array().notNull(),
    tags: jsonb('tags').array(),
    times: ts('times').array(),
  },
  (t) => [
    index('log_blocks_marked_idx')
      .on(t.nodeKey, t.firstSeq)
      .where(sql`levels ~ '[WE]'`),
    /**
     * The blocks holding the last line of a full search chunk (db/log-chunks.ts CHUNK_LINES,
     * 4096: the two must agree): the sealer finds the chunks it has not sealed here instead of
     * reading every node run's counters on each pass.
     */
    index('log_blocks_chunk_end_idx')
      .on(t.nodeKey, t.lastSeq)
      .where(sql`last_seq / 4096 > (first_seq - 1) / 4096`),
  ],
);

/**
 * The lines of `log_blocks`, one row each (custom migration s19blocks: a view, not a table;
 * drizzle-kit leaves it alone). Besides a line's own columns, its block's bounds: `block_first`,
 * `block_last` (its seqs), `block_run_seq` (its first run_seq), `block_marked` (it holds a WARN
 * or ERROR line) and `block_text`, for reads to name the blocks they need (db/log-blocks.ts).
 */
export const logLines = pgView('log_lines', {
  nodeKey: integer('node_key').notNull(),
  seq: integer('seq').notNull(),
  runKey: integer('run_key').notNull(),
  runSeq: integer('run_seq').notNull(),
  createdAt: ts('created_at').notNull(),
  id: bigint('id', { mode: 'number' }).notNull(),
  level: text('level', { enum: ['DEBUG', 'INFO', 'WARN', 'ERROR'] }).notNull(),
  message: text('message').notNull(),
  tags: jsonb('tags'),
  blockFirst: integer('block_first').notNull(),
  blockLast: integer('block_last').notNull(),
  blockRunSeq: integer('block_run_seq').notNull(),
  blockMarked: boolean('block_marked').notNull(),
  /** The block's messages joined by newlines: a search tests it before unnesting the block. */
  blockText: text('block_text').notNull(),
}).existing();

/**
 * Where a whole run's lines are (issue 17): one row per stretch of a run's lines written to one
 * node run in one go — `lines` lines numbered `run_seq`… in the run and `seq`… in the node run
 * `node_key` — so a run's page of lines by `run_seq` becomes, per node run, one range of its
 * primary key (db/log-segments.ts). Written with the lines by the same statement (the ingest's
 * write, the seed) or rebuilt from them (`runboard_rebuild_log_segments`); a batch of ~100 lines
 * costs one row where an index of every line by (run_key, run_seq) cost a hundred entries.
 * Deleted with the run (retention).
 */
export const logSegments = pgTable(
  'log_segments',
  {
    runKey: integer('run_key').notNull(),
    runSeq: integer('run_seq').notNull(),
    nodeKey: integer('node_key').notNull(),
    seq: integer('seq').notNull(),
    lines: integer('lines').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runKey, t.runSeq] })],
);

/**
 * [ext] The partitions of log_blocks (by run key, custom migration h17part_partitioned_lines):
 * one row per partition ever opened, with the run keys it holds, `[lo, hi)`, and its time span as
 * observed: `startedAt` once a run key in it was handed out, `closedAt` once the keys moved past
 * it (no run can join it after that), `droppedAt` once retention dropped it. Written by the SQL
 * function `runboard_open_log_partition` (the maintainer, and the trigger on workflow_runs that
 * opens one when a run's key has none) and by the maintainer and retention (db/log-partitions.ts).
 */
export const logPartitions = pgTable(
  'log_partitions',
  {
    name: text('name').primaryKey(),
    lo: integer('lo').notNull(),
    hi: integer('hi').notNull(),
    openedAt: ts('opened_at').notNull(),
    startedAt: ts('started_at'),
    closedAt: ts('closed_at'),
    droppedAt: ts('dropped_at'),
  },
  (t) => [uniqueIndex('log_partitions_lo_idx').on(t.lo)],
);

/**
 * [ext] The search index of the log lines (issue 17): one row per sealed chunk of a node run's
 * consecutive lines (`first_seq`..`last_seq`), written by the background sealer
 * (services/log-chunks.ts) after the lines are, never by the insert path. `words` is the set of
 * distinct words of the chunk's lines (ANSI-stripped, lower-cased, split at ASCII punctuation and
 * spaces; db/log-chunks.ts), so a search asks this GIN trigram index which chunks may hold every
 * word of its term and reads only those chunks' lines plus the unsealed tail. One GIN index
 * serves both scopes: btree_gin puts the run key beside the trigrams (a node run's chunks are
 * its run's, filtered by node key).
 */
export const logChunks = pgTable(
  'log_chunks',
  {
    nodeKey: integer('node_key').notNull(),
    firstSeq: integer('first_seq').notNull(),
    lastSeq: integer('last_seq').notNull(),
    runKey: integer('run_key').notNull(),
    words: text('words').notNull(),
    /**
     * The chunk's words found in at least COUNTED_MIN_LINES of its lines (s9search; none in a
     * chunk sealed before), sorted, space-separated; `words` then holds only the others. With
     * `counts`, how many of the chunk's lines hold each, per level: a term inside exactly one of
     * the chunk's words is counted there without reading its lines (db/log-chunks.ts).
     */
    counted: text('counted').notNull().default(''),
    /** counts[i][1..4]: the lines holding the i-th counted word at DEBUG, INFO, WARN, ERROR. */
    counts: smallint('counts')
      .array()
      .notNull()
      .default(sql`'{}'`),
    /**
     * `words` lists each word's lines beside it (s10search; false in a chunk sealed before, or
     * split by PostgreSQL, whose `words` are the words alone): a term inside uncounted words only
     * is counted from them (db/log-chunks.ts countFromChunks).
     */
    listed: boolean('listed').notNull().default(false),
    /**
     * The uncounted words of digits alone, space-joined without their lines (s10search; '' in a chunk sealed
     * before, whose `words` holds them): a term with a letter never reads them.
     */
    numbers: text('numbers').notNull().default(''),
    /**
     * `numbers` is in the order of the chunk's lines: each line's numbers followed by its entry
     * when `numbers_listed`, else (s19search to s21numbers, domain/log-words.ts NUMBER_LINE_ENDS)
     * by a character for its level and `,` (false in a chunk sealed before, whose `numbers` are
     * sorted and space-joined, or split by PostgreSQL): a term of digits inside them is counted
     * from the row (db/log-chunks.ts numberLines).
     */
    numbersByLine: boolean('numbers_by_line').notNull().default(false),
    /**
     * `numbers` (by line) writes each line's entry after its numbers instead of ending every line
     * with `,` (s21numbers, domain/log-words.ts numbersListed; false in a chunk sealed before): a
     * match's line is the entry after it, not the commas before it (db/log-chunks.ts numberLines).
     * Stored uncompressed (STORAGE EXTERNAL, migration 0038): a count of a term of digits reads every
     * chunk's numbers, and decompressing them cost more than reading twice the bytes.
     */
    numbersListed: boolean('numbers_listed').notNull().default(false),
    /**
     * The counted words some line of the chunk says more than once, sorted, space-separated
     * (s19search; NULL in a chunk sealed before, or split by PostgreSQL): a phrase of three words
     * or more whose middle words are counted and not among these is counted from the kept pairs
     * (db/log-chunks.ts chainLines).
     */
    repeated: text('repeated'),
    /**
     * The adjacent pairs of words found in at least COUNTED_MIN_LINES of the chunk's lines, each
     * the two words and the separator between them as said (`upstream returned`), sorted,
     * newline-separated (s12search; NULL in a chunk sealed before, or split by PostgreSQL). With
     * `pair_counts`, the lines holding each per level: a term of two words whose candidates in
     * the chunk are exactly one such pair is counted there (db/log-chunks.ts termLines).
     */
    pairs: text('pairs'),
    /** pair_counts[i][1..4]: the lines holding the i-th pair at DEBUG, INFO, WARN, ERROR. */
    pairCounts: smallint('pair_counts')
      .array()
      .notNull()
      .default(sql`'{}'`),
    /**
     * How many lines hold two or more counted words that share three characters, per group of
     * those words: each group the words space-joined, `!`, its lines at DEBUG, INFO, WARN, ERROR
     * comma-joined (`installed status!0,888,0,0`); groups newline-separated (s18search; '' when
     * no line holds such words; NULL in a chunk sealed before, split by PostgreSQL, or with over
     * OVERLAP_MAX_GROUPS groups). A term inside several counted words is counted from their
     * counts less the lines these say were counted twice (db/log-chunks.ts countFromChunks,
     * domain/log-words.ts chunkOverlaps).
     */
    wordOverlaps: text('word_overlaps'),
    /**
     * What surrounds each counted word in every line saying it: for each counted word, in
     * `counted`'s order, the separators (up to 8) that end every run of separators before it, then
     * those that start every run after it (LINE_EDGE when every occurrence starts, or ends, its
     * line: written since session 18), all newline-separated (s20search, domain/log-words.ts
     * chunkEdges; NULL in a chunk sealed before, or split by PostgreSQL). A phrase with a
     * separator before or after it is counted from the kept pairs where these say every
     * occurrence of its edge word has it (db/log-chunks.ts chainLines).
     */
    edges: text('edges'),
  },
  (t) => [
    primaryKey({ columns: [t.nodeKey, t.firstSeq] }),
    index('log_chunks_words_idx').using('gin', t.runKey, sql`${t.words} gin_trgm_ops`),
    index('log_chunks_counted_idx').using('gin', t.runKey, sql`${t.counted} gin_trgm_ops`),
    index('log_chunks_numbers_idx').using('gin', t.runKey, sql`${t.numbers} gin_trgm_ops`),
  ],
);

/**
 * [ext] The adjacent pairs of words one of which at least is listed in a sealed chunk's `words`,
 * with their lines (s22pairs, domain/log-words.ts listedPairs): `connection reset`, PAIR_LINES,
 * its lines, newline-separated; no row for a chunk sealed before, split by PostgreSQL, or whose
 * pairs passed LISTED_PAIRS_MAX. A phrase of two words whose first word ends no counted word of
 * the chunk (or whose last word starts none) is counted from these (db/log-chunks.ts termLines).
 * A table of their own, not a column of log_chunks: in its row they pushed the row past
 * toast_tuple_target, and PostgreSQL then compressed the counts every search reads (a count of
 * "0ms" at 2M lines 62-69 -> 87-99 ms). Deleted with their chunks (deleteRunChunks).
 */
export const logChunkPairs = pgTable(
  'log_chunk_pairs',
  {
    nodeKey: integer('node_key').notNull(),
    firstSeq: integer('first_seq').notNull(),
    listedPairs: text('listed_pairs').notNull(),
  },
  (t) => [primaryKey({ columns: [t.nodeKey, t.firstSeq] })],
);

/**
 * [ext] Counts of a search term in a node run's sealed lines (issue 17): the matches of `term`
 * (the log API's `q`, as given) at `levels` (the level filter, sorted and joined; '' for all) in
 * its lines (0, sealed_to], every one of them in a sealed chunk, so the count never changes. A
 * count reads the lines after sealed_to only, and extends the row. Bounded: the oldest rows (by
 * `id`) go once there are more than LOG_COUNT_CACHE_ROWS (db/log-search-counts.ts).
 */
export const logSearchCounts = pgTable(
  'log_search_counts',
  {
    id: serial('id').notNull(),
    nodeKey: integer('node_key').notNull(),
    term: text('term').notNull(),
    levels: text('levels').notNull(),
    runKey: integer('run_key').notNull(),
    sealedTo: integer('sealed_to').notNull(),
    matches: integer('matches').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.nodeKey, t.term, t.levels] }),
    index('log_search_counts_id_idx').on(t.id),
  ],
);

export const blueprints = pgTable('blueprints', {
  identifier: text('identifier').primaryKey(),
  title: text('title').notNull(),
  icon: text('icon'),
  description: text('description'),
  schema: jsonb('schema').notNull(),
  /** Port's `{<id>: {target, required, many, title?, description?}}`. */
  relations: jsonb('relations').notNull().default({}),
  /**
   * Everything else Port's blueprint body carries, kept as sent and returned: ownership,
   * teamInheritance, mirror/calculation/aggregation properties, changelogDestination, ….
   */
  extra: jsonb('extra').notNull().default({}),
  createdBy: text('created_by').notNull(),
  updatedBy: text('updated_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const actions = pgTable('actions', {
  identifier: text('identifier').primaryKey(),
  title: text('title').notNull(),
  icon: text('icon'),
  description: text('description'),
  /** Port's `trigger.blueprintIdentifier`, copied out; null for an action tied to no blueprint. */
  blueprint: text('blueprint'),
  trigger: jsonb('trigger').notNull(),
  /** false, true, or {type: ALL|ANY}, as Port stores it. */
  requiredApproval: jsonb('required_approval').notNull(),
  allowAnyoneToViewRuns: boolean('allow_anyone_to_view_runs').notNull().default(true),
  invocationMethod: jsonb('invocation_method').notNull(),
  createdBy: text('created_by').notNull(),
  updatedBy: text('updated_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const actionRuns = pgTable(
  'action_runs',
  {
    id: text('id').primaryKey(),
    actionIdentifier: text('action_identifier').notNull(),
    actionTitle: text('action_title'),
    actionIcon: text('action_icon'),
    /** Null for a run of an action tied to no blueprint. */
    blueprintIdentifier: text('blueprint_identifier'),
    blueprintTitle: text('blueprint_title'),
    blueprintIcon: text('blueprint_icon'),
    entityIdentifier: text('entity_identifier'),
    entityTitle: text('entity_title'),
    status: text('status', {
      enum: ['IN_PROGRESS', 'SUCCESS', 'FAILURE', 'WAITING_FOR_APPROVAL', 'DECLINED'],
    }).notNull(),
    statusLabel: text('status_label'),
    /** A string, an array of strings, or null. */
    link: jsonb('link'),
    summary: text('summary'),
    source: text('source', { enum: ['UI', 'API', 'AUTOMATION'] }).notNull(),
    properties: jsonb('properties').notNull(),
    payload: jsonb('payload').notNull(),
    externalRunId: text('external_run_id'),
    requiredApproval: jsonb('required_approval').notNull(),
    /** Decisions so far, keyed by approver user id: {state, description}. */
    approvals: jsonb('approvals').notNull().default({}),
    /** Port sets a synchronized run's status itself; manual status changes are refused. */
    synchronized: boolean('synchronized').notNull().default(false),
    /** Fixed when the run starts, from the action's allowAnyoneToViewRuns. */
    allowAnyoneToView: boolean('allow_anyone_to_view').notNull().default(true),
    logSeq: integer('log_seq').notNull().default(0),
    warnCount: integer('warn_count').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    endedAt: ts('ended_at'),
    /** When the backend dispatcher took this run to invoke its action's webhook; null until then. */
    dispatchedAt: ts('dispatched_at'),
    /** INTEGRATION_ACTION: the agent installation that may claim the run. */
    installationId: text('installation_id'),
    /** When an agent acknowledged (took) it; it is never handed out again after that. */
    acknowledgedAt: ts('acknowledged_at'),
  },
  (t) => [
    index('action_runs_undispatched_idx')
      .on(t.createdAt)
      .where(sql`status = 'IN_PROGRESS' AND dispatched_at IS NULL`),
    index('action_runs_list_idx').on(t.createdAt.desc(), t.id.desc()),
    index('action_runs_entity_idx').on(
      t.blueprintIdentifier,
      t.entityIdentifier,
      t.createdAt.desc(),
    ),
    index('action_runs_action_idx').on(t.actionIdentifier, t.createdAt.desc()),
    index('action_runs_status_idx').on(t.status),
    index('action_runs_external_idx').on(t.externalRunId),
  ],
);

/** One row per line; `seq` is handed out under the action run's row lock. */
export const actionRunLogs = pgTable(
  'action_run_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => actionRuns.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    level: text('level', { enum: ['DEBUG', 'INFO', 'WARN', 'ERROR'] }).notNull(),
    message: text('message').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('action_run_logs_seq_idx').on(t.runId, t.seq)],
);

export const entities = pgTable(
  'entities',
  {
    blueprint: text('blueprint').notNull(),
    identifier: text('identifier').notNull(),
    title: text('title'),
    icon: text('icon'),
    properties: jsonb('properties').notNull(),
    relations: jsonb('relations').notNull(),
    /** Identifiers of `_team` entities, always an array. */
    team: jsonb('team').notNull().default([]),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('entities_pk_idx').on(t.blueprint, t.identifier),
    // Search: `$identifier` rules without a blueprint, and property / relation / team containment.
    index('entities_identifier_idx').on(t.identifier),
    index('entities_properties_gin_idx').using('gin', sql`${t.properties} jsonb_path_ops`),
    index('entities_relations_gin_idx').using('gin', sql`${t.relations} jsonb_path_ops`),
    index('entities_team_gin_idx').using('gin', sql`${t.team} jsonb_path_ops`),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    identifier: text('identifier').notNull().unique(),
    action: text('action', { enum: ['CREATE', 'UPDATE', 'DELETE'] }).notNull(),
    resourceType: text('resource_type', {
      enum: ['entity', 'run', 'user', 'credential', 'session'],
    }).notNull(),
    status: text('status', { enum: ['SUCCESS', 'FAILURE'] }).notNull(),
    userId: text('user_id').notNull(),
    origin: text('origin', { enum: ['UI', 'API', 'AUTOMATION'] }).notNull(),
    at: ts('at').notNull(),
    blueprintIdentifier: text('blueprint_identifier'),
    entityIdentifier: text('entity_identifier'),
    runId: text('run_id'),
    actionIdentifier: text('action_identifier'),
    /**
     * [ext] The workflow of the tied workflow run (the run's own entries and the entity changes it
     * made), copied when the entry is written: it names the run's workflow even after the workflow
     * is renamed or deleted, or the run expires. The title is the run's (its workflow's title when
     * the run started), as the run's page shows it.
     */
    workflowIdentifier: text('workflow_identifier'),
    workflowTitle: text('workflow_title'),
    diff: jsonb('diff').notNull(),
    /** Copied from the tied run: who may see this entry (everyone when no run is tied). */
    allowAnyoneToView: boolean('allow_anyone_to_view').notNull().default(true),
    runCreatedBy: text('run_created_by'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at.desc(), t.seq.desc()),
    index('audit_log_entity_idx').on(t.blueprintIdentifier, t.entityIdentifier, t.at.desc()),
    index('audit_log_run_idx').on(t.runId),
    // The [ext] `workflow` filter, newest first; only the entries of workflow runs are in it.
    index('audit_log_workflow_idx')
      .on(t.workflowIdentifier, t.at.desc(), t.seq.desc())
      .where(sql`${t.workflowIdentifier} IS NOT NULL`),
  ],
);

/** Organization-wide settings, e.g. the secret that signs webhook requests. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/**
 * The durable work queue: everything the server owes an executor (a WEBHOOK or UPSERT_ENTITY node
 * run, an action run's webhook). A row is added in the transaction that takes a node run or
 * action run off its `dispatched_at IS NULL` list, so owed work is never only in memory. Servers
 * claim rows with FOR UPDATE SKIP LOCKED and hold them under a lease (`claimed_until`) that they
 * renew while the request is in flight; a lease that runs out (a crash) makes the row claimable
 * by any server again. `id` is the delivery id a backend sees, stable across attempts.
 */
export const workItems = pgTable(
  'work_items',
  {
    id: text('id').primaryKey(),
    /**
     * `node_run`/`action_run`: the dispatcher delivers them. `agent_*`: work an external agent
     * pulls (claim-pending, ack); the dispatcher never takes those.
     */
    kind: text('kind', {
      enum: ['node_run', 'action_run', 'agent_node_run', 'agent_action_run'],
    }).notNull(),
    subjectId: text('subject_id').notNull(),
    state: text('state', { enum: ['queued', 'claimed', 'done', 'failed'] }).notNull(),
    /** Attempts started so far (a claim counts one). */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    claimedBy: text('claimed_by'),
    claimedUntil: ts('claimed_until'),
    lastError: text('last_error'),
    /** Agent work only: the installation that may claim it, and what `exclude` matches. */
    installationId: text('installation_id'),
    exclusionKey: text('exclusion_key'),
    /**
     * Delivered work: the host its request goes to (null: none, or only an older server knew),
     * counted by the claim's per-host cap on requests in flight.
     */
    targetHost: text('target_host'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('work_items_subject_idx').on(t.kind, t.subjectId),
    index('work_items_agent_idx')
      .on(t.kind, t.installationId, t.createdAt)
      .where(sql`state IN ('queued', 'claimed')`),
    index('work_items_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`state = 'queued'`),
    index('work_items_lease_idx')
      .on(t.claimedUntil)
      .where(sql`state = 'claimed'`),
    index('work_items_host_idx')
      .on(t.targetHost, t.claimedUntil)
      .where(sql`state = 'claimed'`),
  ],
);
