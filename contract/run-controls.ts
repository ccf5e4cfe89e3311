import { z } from 'zod';
import { terminationStatusSchema } from './actions';
import { identifierSchema, reasonSchema } from './common';
import { runResultSchema } from './workflows';

/** [ext] `POST /v1/workflows/runs/{wfr}/complete`. */
export const completeWorkflowRunBodySchema = z.strictObject({
  result: runResultSchema,
  reason: reasonSchema,
});
export type CompleteWorkflowRunBody = z.infer<typeof completeWorkflowRunBodySchema>;

/** `POST /v1/workflows/runs/{wfr}/cancel[?force=true]` [Port]; the body is [ext] and optional. */
export const cancelWorkflowRunQuerySchema = z.object({
  force: z.enum(['true', 'false']).optional(),
});
export const cancelWorkflowRunBodySchema = z.strictObject({
  reason: reasonSchema.optional(),
});
export type CancelWorkflowRunBody = z.infer<typeof cancelWorkflowRunBodySchema>;

/** [ext] `POST /v1/workflows/runs/{wfr}/rerun`. */
export const rerunWorkflowRunBodySchema = z.strictObject({
  fromNode: identifierSchema.optional(),
  reason: reasonSchema.optional(),
});
export type RerunWorkflowRunBody = z.infer<typeof rerunWorkflowRunBodySchema>;

/** [ext] `POST /v1/actions/runs/{id}/complete`. */
export const completeActionRunBodySchema = z.strictObject({
  status: terminationStatusSchema,
  statusLabel: z.string().max(1000).optional(),
  reason: reasonSchema,
});
export type CompleteActionRunBody = z.infer<typeof completeActionRunBodySchema>;
