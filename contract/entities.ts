import { z } from 'zod';
import { actionRunV2Schema, runSourceSchema, type ActionRunStatus } from './actions';
import {
  dateTimeParam,
  identifierSchema,
  isoDate,
  jsonObject,
  limitParam,
  queryArray,
  rangeInOrder,
} from './common';
import { workflowRunSchema, type RunResult, type RunStatus } from './workflows';

// ---- entities --------------------------------------------------------------------------------

const relationValue = z.union([z.string(), z.array(z.string()), z.null()]);

/** `_team` entity identifiers: Port takes one or many and always answers with an array. */
export const teamValue = z.union([identifierSchema, z.array(identifierSchema).max(500)]);

/**
 * Port's entity body is open (`additionalProperties: true`): unknown keys are accepted and
 * ignored. `blueprint` (Port's GitHub Action always sends it) must name the path's blueprint.
 */
export const entityBodySchema = z.looseObject({
  identifier: identifierSchema.optional(),
  title: z.string().max(500).nullable().optional(),
  icon: z.string().max(100).nullable().optional(),
  blueprint: z.string().max(100).optional(),
  team: teamValue.nullable().optional(),
  properties: jsonObject.default({}),
  relations: z.record(z.string(), relationValue).default({}),
});
export type EntityBody = z.infer<typeof entityBodySchema>;

/** PATCH: only the keys sent change; properties and relations merge key by key. */
export const entityPatchSchema = z.looseObject({
  identifier: identifierSchema.optional(),
  title: z.string().max(500).nullable().optional(),
  icon: z.string().max(100).nullable().optional(),
  blueprint: z.string().max(100).optional(),
  team: teamValue.nullable().optional(),
  properties: jsonObject.optional(),
  relations: z.record(z.string(), relationValue).optional(),
});
export type EntityPatch = z.infer<typeof entityPatchSchema>;

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `run_id` ties the change to an action run (`r_…`) or [ext] a workflow run (`wfr_…`). */
export const runIdParam = z
  .string()
  .regex(
    /^(r_|wfr_)[a-zA-Z0-9]{16}$/,
    'must be an action run id (r_ + 16 letters or digits) or a workflow run id (wfr_ + 16)',
  );

export const entityWriteQuerySchema = z.object({
  run_id: runIdParam.optional(),
  upsert: booleanParam.default(false),
  /** With upsert: merge into an existing entity instead of replacing it (Port's `merge`). */
  merge: booleanParam.default(false),
  /** Relation targets that do not exist are created with just their identifier (Port). */
  create_missing_related_entities: booleanParam.default(false),
});
export type EntityWriteQuery = z.infer<typeof entityWriteQuerySchema>;

export const entityRunQuerySchema = z.object({
  run_id: runIdParam.optional(),
  create_missing_related_entities: booleanParam.default(false),
});

export const entityDeleteQuerySchema = z.object({
  run_id: runIdParam.optional(),
  /** Port: also delete every entity with a relation to this one. */
  delete_dependents: booleanParam.default(false),
});

/** Dotted paths into the entity JSON (`properties.str`), repeated: keep only / drop those. */
const entityPaths = queryArray(z.string().min(1).max(300)).optional();
export const entityReadQuerySchema = z.object({ include: entityPaths, exclude: entityPaths });
export type EntityReadQuery = z.infer<typeof entityReadQuerySchema>;
/** The list of a blueprint's entities: Port's include/exclude, and [ext] `?search=` for entities
 * whose identifier or title contains the text (case-insensitive; the start forms' entity picker). */
export const entityListQuerySchema = entityReadQuerySchema.extend({
  search: z.string().max(200).optional(),
});

export const entitySchema = z.object({
  identifier: z.string(),
  title: z.string().nullable(),
  icon: z.string().nullable(),
  blueprint: z.string(),
  team: z.array(z.string()),
  properties: jsonObject,
  relations: z.record(z.string(), relationValue),
  createdAt: isoDate,
  updatedAt: isoDate,
  createdBy: z.string(),
  updatedBy: z.string(),
});
export type Entity = z.infer<typeof entitySchema>;

/** An entity cut down by include/exclude: any subset of its keys. */
export const entityViewSchema = entitySchema.partial().loose();

/** `POST /v1/blueprints/{bp}/entities/bulk` [Port]: up to 20 entities, each upserted on its own. */
export const bulkEntitiesBodySchema = z.strictObject({
  entities: z.array(entityBodySchema).min(1).max(20),
});
export const bulkEntityResultSchema = z.object({
  identifier: z.string(),
  index: z.number(),
  created: z.boolean(),
});
export const bulkEntityErrorSchema = z.object({
  identifier: z.string().nullable(),
  index: z.number(),
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
});

// ---- search ----------------------------------------------------------------------------------

export const SEARCH_OPERATORS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'contains',
  'doesNotContains',
  'containsAny',
  'beginsWith',
  'doesNotBeginsWith',
  'endsWith',
  'doesNotEndsWith',
  'in',
  'notIn',
  'isEmpty',
  'isNotEmpty',
  'isExpired',
  'isNotExpired',
  'between',
  'notBetween',
  'relatedTo',
] as const;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

export const DATE_PRESETS = [
  'today',
  'tomorrow',
  'yesterday',
  'lastWeek',
  'last2Weeks',
  'lastMonth',
  'last3Months',
  'last6Months',
  'last12Months',
] as const;

const searchValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number(), z.boolean()])),
  z.object({ from: z.string(), to: z.string() }),
  z.object({ preset: z.enum(DATE_PRESETS) }),
]);

export const propertyRuleSchema = z.strictObject({
  property: z.string().min(1).max(200),
  operator: z.string().max(50),
  value: searchValue.optional(),
});

export const relatedToRuleSchema = z.strictObject({
  operator: z.literal('relatedTo'),
  blueprint: identifierSchema,
  value: z.union([z.string(), z.array(z.string()).max(1000)]),
  direction: z.enum(['upstream', 'downstream']).optional(),
  required: z.boolean().optional(),
});

export interface SearchGroup {
  combinator: 'and' | 'or';
  rules: SearchRule[];
}
export type SearchRule =
  SearchGroup | z.infer<typeof propertyRuleSchema> | z.infer<typeof relatedToRuleSchema>;

export const searchGroupSchema: z.ZodType<SearchGroup> = z.lazy(() =>
  z.strictObject({
    combinator: z.enum(['and', 'or']),
    rules: z.array(z.union([searchGroupSchema, relatedToRuleSchema, propertyRuleSchema])).max(100),
  }),
);

/**
 * The search body as a route declares it: the nested rules are checked by searchGroupSchema
 * (recursive, which the OpenAPI generator cannot walk), issues reported at their own paths.
 */
export const searchBodySchema = z
  .strictObject({
    combinator: z.enum(['and', 'or']),
    rules: z.array(z.unknown()).max(100),
  })
  .superRefine((body, ctx) => {
    const parsed = searchGroupSchema.safeParse(body);
    for (const issue of parsed.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

export const searchQuerySchema = z.object({
  include: entityPaths,
  exclude: entityPaths,
  /** [ext] paging: at most `limit` entities, then `nextCursor` where the next page starts. */
  limit: limitParam(10000, 10000),
  cursor: z.string().max(500).optional(),
  /**
   * [ext] Only entities whose identifier or title contains this text, ignoring case (as the
   * blueprint list's `?search=`), beside the body's rules: the dashboard's entity pickers. Port's
   * `contains` rule stays case-sensitive.
   */
  search: z.string().max(200).optional(),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

// ---- audit log -------------------------------------------------------------------------------

export const AUDIT_ACTIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;
/** `session`: sign-ins (FAILURE: refused) and sign-outs; `user`, `credential`: admin changes. */
export const AUDIT_RESOURCES = ['entity', 'run', 'user', 'credential', 'session'] as const;
export const auditResourceSchema = z.enum(AUDIT_RESOURCES);
export type AuditResource = z.infer<typeof auditResourceSchema>;

export const auditEntrySchema = z.object({
  identifier: z.string(),
  action: auditActionSchema,
  resourceType: auditResourceSchema,
  status: z.enum(['SUCCESS', 'FAILURE']),
  trigger: z.object({
    by: z.object({ userId: z.string() }),
    origin: runSourceSchema,
    at: isoDate,
  }),
  context: z.object({
    /** Port's name for the entity identifier (same value as entityIdentifier). */
    entity: z.string().nullable(),
    /** Port's name for the blueprint identifier (same value as blueprintIdentifier). */
    blueprint: z.string().nullable(),
    blueprintIdentifier: z.string().nullable(),
    entityIdentifier: z.string().nullable(),
    runId: z.string().nullable(),
    action: z.string().nullable(),
    // By identifier, as `action` names an action run's action.
    workflow: z
      .string()
      .nullable()
      .describe(
        "[ext] The identifier of the workflow whose run this entry is about or was made by (recorded with the entry: it survives the workflow's rename or deletion); null for entries of no workflow run",
      ),
    workflowTitle: z
      .string()
      .nullable()
      .describe(
        "[ext] The title of that workflow as the run has it (the workflow's title when the run started); null without a workflow or title",
      ),
  }),
  diff: z.object({ before: jsonObject.nullable(), after: jsonObject.nullable() }),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/**
 * [ext] Whether the run an audit entry names (context.runId) is still there, and why not: the
 * entry outlives its run (retention deletes finished runs, the audit log keeps what they did).
 */
const runGoneFields = {
  runDeleted: z
    .boolean()
    .nullable()
    .describe(
      '[ext] true when the run context.runId names no longer exists (no workflow run or action run has that id now: retention deleted it), false while it exists, null for an entry of no run',
    ),
  runRetentionDays: z
    .number()
    .int()
    .nullable()
    .describe(
      "[ext] With runDeleted true: the server's RETENTION_DAYS when it deletes finished runs that many days after they finish and this entry is older than that (the run was removed by retention); null otherwise (no retention, or the run went for a reason not known)",
    ),
};

/**
 * [ext] An entry as `GET /audit-log` lists it: with whether the workflow it names is still there,
 * so a reader shows a deleted workflow's recorded name without linking to a page that is gone.
 */
export const auditLogEntrySchema = auditEntrySchema.extend({
  workflowDeleted: z
    .boolean()
    .nullable()
    .describe(
      '[ext] true when the workflow context.workflow names has been deleted since (no workflow has that identifier now), false while it exists, null for an entry that names no workflow',
    ),
  ...runGoneFields,
});
export type AuditLogEntry = z.infer<typeof auditLogEntrySchema>;

export const auditQuerySchema = z
  .object({
    identifier: z.string().max(200).optional(),
    entity: z.string().max(200).optional(),
    blueprint: z.string().max(200).optional(),
    run_id: z.string().max(200).optional(),
    workflow: z
      .string()
      .max(200)
      .optional()
      .describe(
        "[ext] Only entries of this workflow's runs (their context.workflow): the runs' starts, controls and the entity changes they made",
      ),
    resources: queryArray(auditResourceSchema).optional(),
    action: queryArray(auditActionSchema).optional(),
    status: z.enum(['SUCCESS', 'FAILURE']).optional(),
    from: dateTimeParam.optional(),
    to: dateTimeParam.optional(),
    limit: limitParam(1000, 100),
    cursor: z.string().max(300).optional(),
  })
  .superRefine(rangeInOrder);
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// ---- entity activity [ext] -------------------------------------------------------------------

/** WARN and ERROR line counts, which the activity feed shows beside each run. */
export const problemCountsSchema = z.object({ WARN: z.number(), ERROR: z.number() });

export const activityItemSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('workflowRun'),
    at: isoDate,
    item: workflowRunSchema.extend({ logCounts: problemCountsSchema }),
  }),
  z.object({
    type: z.literal('actionRun'),
    at: isoDate,
    item: actionRunV2Schema.extend({ logCounts: problemCountsSchema }),
  }),
  z.object({
    type: z.literal('audit'),
    at: isoDate,
    item: auditEntrySchema,
    /**
     * [ext] The change's run by its action's or workflow's name; a workflow run gone since by the
     * workflow its entry recorded (null: no run, or it is gone and the entry named none).
     */
    runTitle: z.string().nullable(),
    ...runGoneFields,
  }),
]);
export type ActivityItem = z.infer<typeof activityItemSchema>;

/** [ext] The activity feed's filters: one type of item, and runs by a status bucket. */
export const ACTIVITY_TYPES = ['workflowRun', 'actionRun', 'audit'] as const;
export const ACTIVITY_STATUSES = ['in-progress', 'success', 'failed'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

/**
 * The stored statuses each status bucket holds, by run kind (a workflow run's result `null`
 * matches a run completed without one): "in progress" is everything still moving or waiting for
 * someone; cancelled and declined runs, and entity changes, are in no bucket.
 */
export const ACTIVITY_STATUS_OF: Record<
  ActivityStatus,
  {
    workflowRun: { status: RunStatus; result?: RunResult | null }[];
    actionRun: ActionRunStatus[];
  }
> = {
  'in-progress': {
    workflowRun: [{ status: 'IN_PROGRESS' }, { status: 'CANCELLING' }],
    actionRun: ['IN_PROGRESS', 'WAITING_FOR_APPROVAL'],
  },
  success: {
    workflowRun: [
      { status: 'COMPLETED', result: 'SUCCESS' },
      { status: 'COMPLETED', result: null },
    ],
    actionRun: ['SUCCESS'],
  },
  failed: { workflowRun: [{ status: 'COMPLETED', result: 'FAILED' }], actionRun: ['FAILURE'] },
};

export const activityQuerySchema = z.object({
  cursor: z.string().max(300).optional(),
  limit: limitParam(200, 50),
  type: z.enum(ACTIVITY_TYPES).optional(),
  status: z.enum(ACTIVITY_STATUSES).optional(),
});
export type ActivityQuery = z.infer<typeof activityQuerySchema>;

export const activityPageSchema = z.object({
  ok: z.literal(true),
  activity: z.array(activityItemSchema),
  nextCursor: z.string().nullable(),
});
