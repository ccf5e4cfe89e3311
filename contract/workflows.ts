import { z } from 'zod';
import { integrationNodeConfigSchema } from './agent-work';
import { deliverySchema } from './delivery';
import {
  dateTimeParam,
  httpUrl,
  identifierSchema,
  INT4_MAX,
  isoDate,
  jsonObject,
  limitParam,
  nodeRunId,
  queryArray,
  rangeInOrder,
  reasonSchema,
  workflowRunId,
  seqCursor,
} from './common';

export const NODE_TYPES = [
  'SELF_SERVE_TRIGGER',
  'EVENT_TRIGGER',
  'WEBHOOK',
  'UPSERT_ENTITY',
  'CONDITION',
  'KAFKA',
  'INTEGRATION_ACTION',
] as const;
export const nodeTypeSchema = z.enum(NODE_TYPES);
export type NodeType = z.infer<typeof nodeTypeSchema>;
export const TRIGGER_TYPES: readonly NodeType[] = ['SELF_SERVE_TRIGGER', 'EVENT_TRIGGER'];

export const nodeConfigSchema = z
  .looseObject({ type: nodeTypeSchema })
  .superRefine((config, ctx) => {
    if (config.type !== 'INTEGRATION_ACTION') return;
    const parsed = integrationNodeConfigSchema.safeParse(config);
    for (const issue of parsed.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

export const workflowNodeSchema = z.object({
  identifier: identifierSchema,
  title: z.string().max(200).optional(),
  icon: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  config: nodeConfigSchema,
  onFailure: z.enum(['terminate', 'continue']).default('terminate'),
});
export type WorkflowNode = z.infer<typeof workflowNodeSchema>;

export const connectionSchema = z.object({
  identifier: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  sourceIdentifier: identifierSchema,
  targetIdentifier: identifierSchema,
});
export type Connection = z.infer<typeof connectionSchema>;

export const workflowBodySchema = z.strictObject({
  identifier: identifierSchema,
  title: z.string().min(1).max(200),
  icon: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  category: z.string().max(100).optional(),
  allowAnyoneToViewRuns: z.boolean().default(true),
  nodes: z.array(workflowNodeSchema).min(1).max(500),
  connections: z.array(connectionSchema).max(2000).default([]),
});
export type WorkflowBody = z.infer<typeof workflowBodySchema>;
/** PUT replaces everything but the identifier, which comes from the path. */
export const workflowReplaceBodySchema = workflowBodySchema.extend({
  identifier: identifierSchema.optional(),
});

export const workflowSchema = z.object({
  identifier: z.string(),
  title: z.string(),
  icon: z.string().nullable(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  allowAnyoneToViewRuns: z.boolean(),
  nodes: z.array(workflowNodeSchema),
  connections: z.array(connectionSchema),
  version: z.number().int().positive(),
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
  /** [ext] summary used by the dashboard's workflow list. */
  stats: z
    .object({
      lastRun: z
        .object({
          identifier: z.string(),
          status: z.string(),
          result: z.string().nullable(),
          createdAt: isoDate,
        })
        .nullable(),
      inProgress: z.number().int(),
      total: z.number().int(),
    })
    .optional(),
});
export type Workflow = z.infer<typeof workflowSchema>;

/** [ext] The graph one version of a workflow had: what its runs advance by and are drawn with. */
export const workflowVersionSchema = z.object({
  workflowIdentifier: z.string(),
  version: z.number().int().positive(),
  nodes: z.array(workflowNodeSchema),
  connections: z.array(connectionSchema),
  createdAt: isoDate,
});
export type WorkflowVersion = z.infer<typeof workflowVersionSchema>;

export const RUN_STATUSES = ['IN_PROGRESS', 'CANCELLING', 'COMPLETED'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const RUN_RESULTS = ['SUCCESS', 'FAILED', 'CANCELLED'] as const;
export const runResultSchema = z.enum(RUN_RESULTS);
export type RunResult = z.infer<typeof runResultSchema>;
export const NODE_RUN_STATUSES = ['IN_PROGRESS', 'COMPLETED'] as const;
export const nodeRunStatusSchema = z.enum(NODE_RUN_STATUSES);
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const logLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof logLevelSchema>;
export type LogCounts = Record<LogLevel, number>;
/** Lines per level of a node run (or, summed, of a run). */
export const logCountsSchema = z.object({
  DEBUG: z.number(),
  INFO: z.number(),
  WARN: z.number(),
  ERROR: z.number(),
});

export const nodeRunSchema = z.object({
  identifier: z.string(),
  /** `config` only on lookups with `include=nodeConfig`. */
  node: z.object({ identifier: z.string(), config: jsonObject.optional() }),
  /** [ext] Stable per workflow node (same across runs and versions); claim `exclude` matches it. */
  nodeUid: z.string().optional(),
  /** The node's config, top level, in claim answers (as Port's claim shape has it). */
  config: jsonObject.optional(),
  nodeIdentifier: z.string(),
  nodeTitle: z.string().nullable(),
  nodeIcon: z.string().nullable(),
  nodeConfigType: z.string(),
  status: nodeRunStatusSchema,
  result: runResultSchema.nullable(),
  output: jsonObject,
  /** [ext] In a re-run: the original's node run whose result and output this one reuses. */
  reusedFrom: z.string().nullable().optional(),
  /** [ext] INTEGRATION_ACTION node runs wait for an agent to claim and acknowledge them. */
  pendingExecution: z.boolean().optional(),
  claimedUntil: isoDate.nullable().optional(),
  installationId: z.string().nullable().optional(),
  /** [ext] Set by the executor's PATCH (Ocean's start report). */
  externalRunId: z.string().nullable().optional(),
  links: z.array(z.string()).optional(),
  /** [ext] Its work item in the delivery queue; on single-run reads, not in lists. */
  delivery: deliverySchema.nullable().optional(),
  logCounts: logCountsSchema,
  createdAt: isoDate,
  updatedAt: isoDate,
  completedAt: isoDate.nullable(),
  nodeRunLogs: z.array(z.unknown()).optional(),
});
export type NodeRun = z.infer<typeof nodeRunSchema>;

export const workflowRunSchema = z.object({
  identifier: z.string(),
  title: z.string().nullable(),
  icon: z.string().nullable(),
  workflow: z.object({ identifier: z.string(), version: z.number() }),
  workflowIdentifier: z.string(),
  status: runStatusSchema,
  result: runResultSchema.nullable(),
  nodeRuns: z.array(nodeRunSchema),
  variables: z.object({ outputs: z.record(z.string(), z.unknown()) }),
  inputs: jsonObject,
  entity: z.string().nullable(),
  rerunOf: z.string().nullable(),
  /** [ext] The runs that re-ran this one, oldest first; sent on a single run, not in lists. */
  reruns: z.array(z.string()).optional(),
  /**
   * [ext] True when the run `rerunOf` names no longer exists (retention removed it), so the page
   * names it instead of linking to "not found"; sent on a single run that is a re-run.
   */
  rerunOfDeleted: z.boolean().optional(),
  createdAt: isoDate,
  updatedAt: isoDate,
  completedAt: isoDate.nullable(),
  createdBy: z.string(),
});
export type WorkflowRun = z.infer<typeof workflowRunSchema>;

/**
 * [ext] `view=summary`: a run as lists and the dashboard's polls need it, without the outputs
 * (no node run `output`, no `variables`). The dashboard reads a node run's output from
 * `GET /nodes/runs/{id}/output` when it shows it; Port clients, who never send `view`, get
 * Port's full shape.
 */
export const nodeRunSummarySchema = nodeRunSchema.omit({ output: true });
export type NodeRunSummary = z.infer<typeof nodeRunSummarySchema>;
/**
 * [ext] `GET /nodes/runs/{wfnr}`: one node run as its run's `nodeRuns[]` has it, without the
 * output (its own endpoints read it), and the workflow run it belongs to.
 */
export const nodeRunAloneSchema = nodeRunSummarySchema.extend({
  workflowRunIdentifier: z.string(),
});
export type NodeRunAlone = z.infer<typeof nodeRunAloneSchema>;
export const workflowRunSummarySchema = workflowRunSchema
  .omit({ nodeRuns: true, variables: true })
  .extend({ nodeRuns: z.array(nodeRunSummarySchema) });
export type WorkflowRunSummary = z.infer<typeof workflowRunSummarySchema>;
/** [ext] `ids`: only each run's identifier and createdAt (what a "new runs?" probe needs). */
export const runIdOnlySchema = z.object({ identifier: z.string(), createdAt: isoDate });
export type RunIdOnly = z.infer<typeof runIdOnlySchema>;
export const runViewSchema = z.enum(['full', 'summary', 'ids']);
export type RunView = z.infer<typeof runViewSchema>;

/** COMPLETED is the only terminal status: such a run never changes again (and is not polled). */
export const isRunFinished = (run: Pick<WorkflowRun, 'status'>) => run.status === 'COMPLETED';

export const startRunBodySchema = z.strictObject({
  inputs: jsonObject.default({}),
  entity: z.string().min(1).max(200).optional(),
});

export const nodeRunLogInputSchema = z.strictObject({
  logLevel: logLevelSchema,
  log: z.string().max(65536).default(''),
  tags: z.record(z.string(), z.string()).optional(),
});

export const nodeRunPatchSchema = z
  .strictObject({
    status: nodeRunStatusSchema.optional(),
    result: runResultSchema.optional(),
    output: jsonObject.optional(),
    logs: z.array(nodeRunLogInputSchema).max(10000).optional(),
    /** [ext] A person marking the node run complete by hand says why; the act is audited. */
    reason: reasonSchema.optional(),
    /** Port (Ocean's start report): the executor's id for the run, and links to it. */
    externalRunId: z.string().max(500).nullable().optional(),
    links: z.array(httpUrl).max(50).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.reason !== undefined && body.status !== 'COMPLETED') {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'may only be sent when marking the node run COMPLETED',
      });
    }
    if (body.status === 'COMPLETED' && !body.result) {
      ctx.addIssue({
        code: 'custom',
        path: ['result'],
        message: 'is required when status is COMPLETED',
      });
    }
    if (body.result && body.status !== 'COMPLETED') {
      ctx.addIssue({
        code: 'custom',
        path: ['result'],
        message: 'may only be sent together with status COMPLETED',
      });
    }
  });
export type NodeRunPatch = z.infer<typeof nodeRunPatchSchema>;

export const nodeRunLogsPostSchema = z.strictObject({
  logs: z
    .array(z.strictObject({ level: logLevelSchema, message: z.string().max(65536) }))
    .min(1)
    .max(10000),
});

export const logLineSchema = z.object({
  id: z.number(),
  seq: z.number(),
  nodeRunIdentifier: z.string(),
  logLevel: logLevelSchema,
  log: z.string(),
  tags: z.record(z.string(), z.string()),
  createdAt: isoDate,
});
export type LogLine = z.infer<typeof logLineSchema>;

export const logsQuerySchema = z.object({
  level: queryArray(logLevelSchema).optional(),
  q: z.string().max(500).optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam(10000, 1000),
  /** [ext] `tail=true` returns the last `limit` lines (still in seq order). */
  tail: z.enum(['true', 'false']).optional(),
  /**
   * [ext] `false`: the page without `total`; `only`: `total` alone (no lines, `nextCursor`
   * null). A search's count can take longer than its first page; the viewer asks for both at once.
   */
  total: z.enum(['true', 'false', 'only']).optional(),
  /**
   * [ext] With `total=only`: count the lines after `cursor` up to and including `upTo` (a seq; a
   * run seq for a run's log). `nextCursor` says where the count stopped while lines follow (else
   * null): `upTo`, or further for a search whose term the index finds in few chunks (they are
   * counted to the end at once). A common term's count in steps: the viewer shows "at least".
   */
  upTo: seqCursor.optional(),
});
export type LogsQuery = z.infer<typeof logsQuerySchema>;

export const logsPageSchema = z.object({
  ok: z.literal(true),
  logs: z.array(logLineSchema),
  nextCursor: z.string().nullable(),
  /** [ext] lines matching the level/q filter in total (for the viewer's scroll range). */
  total: z.number().optional(),
  /**
   * [ext] The scope's lines per level when the page was read, whatever its filter (the level
   * chips; a run poll with `ignoreLogCounts=true` leaves them to the log).
   */
  counts: logCountsSchema.optional(),
});
export type LogsPage = z.infer<typeof logsPageSchema>;

export const runsListQuerySchema = z
  .object({
    workflowIdentifiers: queryArray(z.string()).optional(),
    workflowRunIdentifiers: queryArray(workflowRunId).optional(),
    workflowVersions: queryArray(z.coerce.number().int().min(1).max(INT4_MAX)).optional(),
    statuses: queryArray(runStatusSchema).optional(),
    results: queryArray(runResultSchema).optional(),
    createdBy: z.string().optional(),
    limit: limitParam(1000, 50),
    offset: z.coerce.number().int().min(0).max(INT4_MAX).optional(),
    entity: z.string().optional(),
    from: dateTimeParam.optional(),
    to: dateTimeParam.optional(),
    cursor: z.string().max(300).optional(),
    /** [ext] only runs in which this node (identifier) has a node run that completed FAILED. */
    failedNode: z.string().max(100).optional(),
    /** [ext] `summary`: runs without their outputs (see workflowRunSummarySchema); `ids`: see runIdOnlySchema. */
    view: runViewSchema.optional(),
  })
  .superRefine(rangeInOrder);
export type RunsListQuery = z.infer<typeof runsListQuerySchema>;

export const runsListResponseSchema = z.object({
  ok: z.literal(true),
  workflowRuns: z.array(z.union([workflowRunSchema, workflowRunSummarySchema, runIdOnlySchema])),
  nextCursor: z.string().nullable(),
});

/** [ext] `GET /nodes/runs/{id}/output` and `GET /runs/{id}/outputs`. */
export const nodeRunOutputResponseSchema = z.object({ ok: z.literal(true), output: jsonObject });
export const runOutputsResponseSchema = z.object({
  ok: z.literal(true),
  outputs: z.record(z.string(), z.unknown()),
});

export const pathIds = { workflowRunId, nodeRunId };
