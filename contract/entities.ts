import { z } from 'zod';
import { actionRunV2Schema, runSourceSchema } from './actions';
import { identifierSchema, isoDate, jsonObject, limitParam, queryArray } from './common';
import { workflowRunSchema } from './workflows';

// ---- entities --------------------------------------------------------------------------------

const relationValue = z.union([z.string(), z.array(z.string()), z.null()]);

export const entityBodySchema = z.strictObject({
  identifier: identifierSchema.optional(),
  title: z.string().max(500).nullable().optional(),
  icon: z.string().max(100).nullable().optional(),
  properties: jsonObject.default({}),
  relations: z.record(z.string(), relationValue).default({}),
});
export type EntityBody = z.infer<typeof entityBodySchema>;

/** PATCH: only the keys sent change; properties and relations merge key by key. */
export const entityPatchSchema = z.strictObject({
  identifier: identifierSchema.optional(),
  title: z.string().max(500).nullable().optional(),
  icon: z.string().max(100).nullable().optional(),
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
});
export type EntityWriteQuery = z.infer<typeof entityWriteQuerySchema>;

export const entityRunQuerySchema = z.object({ run_id: runIdParam.optional() });

export const entitySchema = z.object({
  identifier: z.string(),
  title: z.string().nullable(),
  icon: z.string().nullable(),
  blueprint: z.string(),
  properties: jsonObject,
  relations: z.record(z.string(), relationValue),
  createdAt: isoDate,
  updatedAt: isoDate,
  createdBy: z.string(),
  updatedBy: z.string(),
});
export type Entity = z.infer<typeof entitySchema>;

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
    blueprintIdentifier: z.string().nullable(),
    entityIdentifier: z.string().nullable(),
    runId: z.string().nullable(),
    action: z.string().nullable(),
  }),
  diff: z.object({ before: jsonObject.nullable(), after: jsonObject.nullable() }),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.object({
  identifier: z.string().max(200).optional(),
  entity: z.string().max(200).optional(),
  blueprint: z.string().max(200).optional(),
  run_id: z.string().max(200).optional(),
  resources: queryArray(auditResourceSchema).optional(),
  action: queryArray(auditActionSchema).optional(),
  status: z.enum(['SUCCESS', 'FAILURE']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: limitParam(1000, 100),
  cursor: z.string().max(300).optional(),
});
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
  z.object({ type: z.literal('audit'), at: isoDate, item: auditEntrySchema }),
]);
export type ActivityItem = z.infer<typeof activityItemSchema>;

export const activityQuerySchema = z.object({
  cursor: z.string().max(300).optional(),
  limit: limitParam(200, 50),
});

export const activityPageSchema = z.object({
  ok: z.literal(true),
  activity: z.array(activityItemSchema),
  nextCursor: z.string().nullable(),
});
