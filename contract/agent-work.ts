import { z } from 'zod';
import { actionRunId, jsonObject, nodeRunId } from './common';

/**
 * Port's execution-agent API (what Ocean's execution manager sends): claim pending action runs
 * and workflow node runs of an installation, then acknowledge each one before executing it.
 */

/** `invocationMethod` of an action an integration (an Ocean agent) executes. Port: closed shape. */
export const integrationActionInvocationSchema = z.strictObject({
  type: z.literal('INTEGRATION_ACTION'),
  installationId: z.string().min(1).max(200),
  integrationActionType: z.string().min(1).max(200),
  integrationActionExecutionProperties: jsonObject,
});
export type IntegrationActionInvocation = z.infer<typeof integrationActionInvocationSchema>;

/** An INTEGRATION_ACTION node's config, as Ocean parses it; other keys are allowed. */
export const integrationNodeConfigSchema = z.looseObject({
  type: z.literal('INTEGRATION_ACTION'),
  installationId: z.string().min(1).max(200),
  integrationProvider: z.string().min(1).max(200),
  integrationInvocationType: z.string().min(1).max(200),
  integrationActionExecutionProperties: jsonObject,
});

/** `POST /v1/actions/runs/claim-pending` and `POST /v1/workflows/runs/claim-pending`. */
export const claimPendingBodySchema = z.object({
  installationId: z.string().min(1).max(200),
  /** [ext] optional; Ocean always sends it. */
  limit: z.number().int().min(1).max(1000).default(300),
  /** How long claimed items stay hidden from other claims unless acknowledged. */
  visibilityTimeoutMs: z.number().int().min(1).max(600_000).default(60_000),
  /** Action identifiers (action runs) or node uids (node runs) not to hand out now. */
  exclude: z.array(z.string().max(200)).max(10_000).optional(),
});
export type ClaimPendingBody = z.infer<typeof claimPendingBodySchema>;

export const ackActionRunBodySchema = z.object({ runId: actionRunId });
export const ackNodeRunBodySchema = z.object({ nodeRunIdentifier: nodeRunId });

/** `GET /v1/workflows/nodes/runs?external_run_id=&include=nodeConfig`. */
export const nodeRunLookupQuerySchema = z.object({
  external_run_id: z.string().min(1).max(500),
  include: z
    .preprocess(
      (v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]),
      z.array(z.enum(['nodeConfig'])),
    )
    .optional(),
});
export type NodeRunLookupQuery = z.infer<typeof nodeRunLookupQuerySchema>;
