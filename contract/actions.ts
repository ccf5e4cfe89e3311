import { z } from 'zod';
import { integrationActionInvocationSchema } from './agent-work';
import { deliverySchema } from './delivery';
import {
  actionRunId,
  dateTimeParam,
  httpUrl,
  identifierSchema,
  INT4_MAX,
  isoDate,
  jsonObject,
  limitParam,
  queryArray,
  rangeInOrder,
  seqCursor,
} from './common';

// ---- blueprints ------------------------------------------------------------------------------

/** A relation of a blueprint: entities of `target` it may point at, one or `many`. */
export const blueprintRelationSchema = z.looseObject({
  target: identifierSchema,
  required: z.boolean().default(false),
  many: z.boolean().default(false),
  title: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
});
export type BlueprintRelation = z.infer<typeof blueprintRelationSchema>;

/** Port's blueprint `schema`: JSON Schema properties (type, format, enum, pattern, default …). */
export const blueprintPropertiesSchema = z.looseObject({
  properties: z.record(z.string(), jsonObject).default({}),
  required: z.array(z.string()).default([]),
});

/**
 * Port's body is open (`additionalProperties: true`): ownership, teamInheritance,
 * mirror/calculation/aggregation properties, changelogDestination and any other key are kept as
 * sent and returned; only `schema` and `relations` take part in entity checks.
 */
export const blueprintBodySchema = z.looseObject({
  identifier: identifierSchema,
  title: z.string().min(1).max(200),
  icon: z.string().max(100).nullable().optional(),
  description: z.string().max(2000).nullable().optional(),
  schema: blueprintPropertiesSchema.default({ properties: {}, required: [] }),
  relations: z.record(identifierSchema, blueprintRelationSchema).default({}),
  ownership: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('Direct'), title: z.string().optional() }),
      z.looseObject({
        type: z.literal('Inherited'),
        path: z.string().min(1),
        title: z.string().optional(),
      }),
    ])
    .optional(),
  mirrorProperties: z.record(z.string(), jsonObject).optional(),
  calculationProperties: z.record(z.string(), jsonObject).optional(),
  aggregationProperties: z.record(z.string(), jsonObject).optional(),
  teamInheritance: z.looseObject({ path: z.string() }).nullable().optional(),
  changelogDestination: jsonObject.nullable().optional(),
});
export type BlueprintBody = z.infer<typeof blueprintBodySchema>;

export const blueprintSchema = z.looseObject({
  identifier: z.string(),
  title: z.string(),
  icon: z.string().nullable(),
  description: z.string().nullable(),
  schema: z.looseObject({ properties: jsonObject }),
  relations: z.record(z.string(), blueprintRelationSchema),
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Blueprint = z.infer<typeof blueprintSchema>;

// ---- actions ---------------------------------------------------------------------------------

export const ACTION_OPERATIONS = ['CREATE', 'DAY-2', 'DELETE'] as const;
export const actionOperationSchema = z.enum(ACTION_OPERATIONS);
export type ActionOperation = z.infer<typeof actionOperationSchema>;

export const userInputsSchema = z.looseObject({
  properties: jsonObject.default({}),
  required: z.array(z.string()).default([]),
});

export const requiredApprovalSchema = z.union([
  z.boolean(),
  z.object({ type: z.enum(['ALL', 'ANY']) }),
]);
export type RequiredApproval = z.infer<typeof requiredApprovalSchema>;

export const invocationMethodSchema = z
  .looseObject({
    type: z.string().min(1).max(50),
    /** Port: a synchronized webhook's answer decides the run's status; nobody else may. */
    synchronized: z.boolean().optional(),
  })
  .superRefine((method, ctx) => {
    if (method.type !== 'INTEGRATION_ACTION') return;
    // Port's INTEGRATION_ACTION shape is closed: its four keys, nothing else.
    const parsed = integrationActionInvocationSchema.safeParse(method);
    for (const issue of parsed.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

/**
 * Port's self-service trigger: the blueprint is `trigger.blueprintIdentifier`, optional (actions
 * need not be tied to a blueprint).
 */
const triggerBodySchema = z.looseObject({
  type: z.string().default('self-service'),
  operation: actionOperationSchema,
  blueprintIdentifier: identifierSchema.optional(),
  userInputs: userInputsSchema.default({ properties: {}, required: [] }),
});

/**
 * Port's current shape (`trigger.blueprintIdentifier`, no top-level `blueprint`) and Runboard's
 * older one (top-level `blueprint`) are both accepted and read back as written.
 */
export const actionBodySchema = z
  .strictObject({
    identifier: identifierSchema,
    title: z.string().min(1).max(200).optional(),
    icon: z.string().max(100).optional(),
    description: z.string().max(2000).optional(),
    /** [ext] the older shape; Port's is trigger.blueprintIdentifier. */
    blueprint: identifierSchema.optional(),
    trigger: triggerBodySchema,
    requiredApproval: requiredApprovalSchema.default(false),
    /** Port: accepted; Runboard sends no approval notifications. */
    approvalNotification: jsonObject.optional(),
    /** Port: accepted; every action is listed in Runboard. */
    publish: z.boolean().optional(),
    allowAnyoneToViewRuns: z.boolean().default(true),
    invocationMethod: invocationMethodSchema.default({ type: 'WEBHOOK' }),
  })
  .superRefine((body, ctx) => {
    const inTrigger = body.trigger.blueprintIdentifier;
    if (body.blueprint !== undefined && inTrigger !== undefined && body.blueprint !== inTrigger) {
      ctx.addIssue({
        code: 'custom',
        path: ['blueprint'],
        message: `"${body.blueprint}" differs from trigger.blueprintIdentifier "${inTrigger}"`,
      });
    }
  });
export type ActionBody = z.infer<typeof actionBodySchema>;

export const actionSchema = z.object({
  identifier: z.string(),
  title: z.string(),
  icon: z.string().nullable(),
  description: z.string().nullable(),
  /** [ext] read-only echo of the action's blueprint; null when it has none. */
  blueprint: z.string().nullable(),
  trigger: z.looseObject({
    type: z.string(),
    operation: actionOperationSchema,
    blueprintIdentifier: z.string().optional(),
    userInputs: userInputsSchema,
  }),
  requiredApproval: requiredApprovalSchema,
  allowAnyoneToViewRuns: z.boolean(),
  invocationMethod: invocationMethodSchema,
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Action = z.infer<typeof actionSchema>;

// ---- action runs -----------------------------------------------------------------------------

export const ACTION_RUN_STATUSES = [
  'IN_PROGRESS',
  'SUCCESS',
  'FAILURE',
  'WAITING_FOR_APPROVAL',
  'DECLINED',
] as const;
export const actionRunStatusSchema = z.enum(ACTION_RUN_STATUSES);
export type ActionRunStatus = z.infer<typeof actionRunStatusSchema>;
export const TERMINATION_STATUSES = ['SUCCESS', 'FAILURE'] as const;
export const terminationStatusSchema = z.enum(TERMINATION_STATUSES);
export type TerminationStatus = z.infer<typeof terminationStatusSchema>;
export const RUN_SOURCES = ['UI', 'API', 'AUTOMATION'] as const;
export const runSourceSchema = z.enum(RUN_SOURCES);
export type RunSource = z.infer<typeof runSourceSchema>;
export const APPROVAL_STATES = ['PENDING', 'APPROVED', 'DECLINED'] as const;
export const approvalStateSchema = z.enum(APPROVAL_STATES);
export type ApprovalState = z.infer<typeof approvalStateSchema>;

export const runLinkSchema = z.union([httpUrl, z.array(httpUrl).max(50)]);
export type RunLink = z.infer<typeof runLinkSchema>;

const refV1 = z.object({ identifier: z.string(), title: z.string().nullable() });
const refV2 = refV1.extend({ icon: z.string().nullable(), deleted: z.boolean() });

const runCommon = {
  id: z.string(),
  status: actionRunStatusSchema,
  statusLabel: z.string().nullable(),
  link: runLinkSchema.nullable(),
  summary: z.string().nullable(),
  source: runSourceSchema,
  properties: jsonObject,
  relatedEntityExists: z.boolean(),
  relatedBlueprintExists: z.boolean(),
  endedAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  createdBy: z.string(),
  updatedBy: z.string(),
  externalRunId: z.string().nullable(),
  /** [ext] Its work item in the delivery queue; on single-run reads, not in lists. */
  delivery: deliverySchema.nullable().optional(),
};

/** Port's documented example (`version=v1`, the default). */
export const actionRunV1Schema = z.object({
  ...runCommon,
  action: z.string(),
  /** null for a run of an action tied to no blueprint. */
  blueprint: refV1.nullable(),
  entity: refV1.nullable(),
});
export type ActionRunV1 = z.infer<typeof actionRunV1Schema>;

export const approvalSchema = z.object({
  description: z.string().nullable(),
  userId: z.string(),
  state: approvalStateSchema,
});

/** Port's current schema (`version=v2`), what the dashboard reads. */
export const actionRunV2Schema = z.object({
  ...runCommon,
  action: refV2,
  /** null for a run of an action tied to no blueprint. */
  blueprint: refV2.nullable(),
  entity: refV2.nullable(),
  requiredApproval: requiredApprovalSchema,
  approval: approvalSchema.nullable(),
  payload: jsonObject,
  /** INTEGRATION_ACTION runs wait for an agent to claim and acknowledge them (Port's fields). */
  pendingExecution: z.boolean().optional(),
  claimedUntil: isoDate.nullable().optional(),
  installationId: z.string().nullable().optional(),
});
export type ActionRunV2 = z.infer<typeof actionRunV2Schema>;

export const versionQuerySchema = z.object({ version: z.enum(['v1', 'v2']).default('v1') });

export const startActionRunQuerySchema = z.object({ run_as: z.email().optional() });
export const startActionRunBodySchema = z.strictObject({
  properties: jsonObject,
  entity: identifierSchema.optional(),
});

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const actionRunsListQuerySchema = z
  .object({
    entity: z.string().max(200).optional(),
    blueprint: z.string().max(200).optional(),
    action: z.string().max(200).optional(),
    active: booleanParam.optional(),
    user_email: z.string().max(300).optional(),
    user_id: z.string().max(200).optional(),
    external_run_id: z.string().max(500).optional(),
    source: queryArray(runSourceSchema).optional(),
    /** [ext] Only runs in these statuses (repeatable), e.g. `status=WAITING_FOR_APPROVAL`. */
    status: queryArray(actionRunStatusSchema).optional(),
    /** [ext] Only runs started at or after / at or before this instant (the audit log's dates). */
    from: dateTimeParam.optional(),
    to: dateTimeParam.optional(),
    version: z.enum(['v1', 'v2']).default('v1'),
    limit: limitParam(1000, 1000),
    cursor: z.string().max(300).optional(),
  })
  .superRefine(rangeInOrder);
export type ActionRunsListQuery = z.infer<typeof actionRunsListQuerySchema>;

export const actionRunPatchSchema = z.strictObject({
  status: terminationStatusSchema.optional(),
  statusLabel: z.string().max(1000).nullable().optional(),
  link: runLinkSchema.nullable().optional(),
  summary: z.string().max(10000).nullable().optional(),
  externalRunId: z.string().max(500).nullable().optional(),
});
export type ActionRunPatch = z.infer<typeof actionRunPatchSchema>;

export const ACTION_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const actionLogLevelSchema = z.enum(ACTION_LOG_LEVELS);
export type ActionLogLevel = z.infer<typeof actionLogLevelSchema>;

export const actionRunLogPostSchema = z.strictObject({
  message: z.string().max(65536),
  terminationStatus: terminationStatusSchema.optional(),
  statusLabel: z.string().max(1000).optional(),
  /** [ext] how the dashboard colors the line; Port clients never send it (INFO). */
  level: actionLogLevelSchema.default('INFO'),
});
export type ActionRunLogPost = z.infer<typeof actionRunLogPostSchema>;

export const runLogSchema = z.object({
  id: z.number(),
  runId: z.string(),
  message: z.string(),
  createdBy: z.string(),
  createdAt: isoDate,
  seq: z.number(),
  level: actionLogLevelSchema,
});
export type RunLog = z.infer<typeof runLogSchema>;

/**
 * Port pages with `limit` (1–50) and `offset`; [ext] with `cursor` (the last `seq` seen, `0` to
 * start) the limit goes up to 10 000 and `nextCursor` says where the next poll resumes.
 */
export const actionRunLogsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(10000).optional(),
    offset: z.coerce.number().int().min(0).max(INT4_MAX).optional(),
    cursor: seqCursor.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.cursor === undefined && q.limit !== undefined && q.limit > 50) {
      ctx.addIssue({
        code: 'custom',
        path: ['limit'],
        message: 'must be at most 50 without a cursor (send cursor=0 to page up to 10000)',
      });
    }
    if (q.cursor !== undefined && q.offset !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['offset'], message: 'cannot be combined with cursor' });
    }
  });
export type ActionRunLogsQuery = z.infer<typeof actionRunLogsQuerySchema>;

export const approvalBodySchema = z.strictObject({
  status: z.enum(['APPROVE', 'DECLINE']),
  description: z.string().max(2000).optional(),
});
export type ApprovalBody = z.infer<typeof approvalBodySchema>;

export const approverSchema = z.object({
  userId: z.string(),
  state: approvalStateSchema,
  description: z.string().nullable(),
});

export const actionRunPathId = actionRunId;
