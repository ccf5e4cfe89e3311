import { z } from 'zod';
import { actionRunV2Schema } from '../../contract/actions';
import {
  ackActionRunBodySchema,
  ackNodeRunBodySchema,
  claimPendingBodySchema,
  nodeRunLookupQuerySchema,
} from '../../contract/agent-work';
import { nodeRunSchema } from '../../contract/workflows';
import { defineRoute, jsonBody, ok } from '../http/openapi';

export const claimPendingActionRuns = defineRoute({
  method: 'post',
  path: '/actions/runs/claim-pending',
  summary:
    "Claim an installation's pending INTEGRATION_ACTION runs (v2 shape), hidden from other claims for visibilityTimeoutMs (machine credentials)",
  request: { body: jsonBody(claimPendingBodySchema) },
  responses: { 200: ok('The claimed runs, oldest first', { runs: z.array(actionRunV2Schema) }) },
});

export const acknowledgeActionRun = defineRoute({
  method: 'patch',
  path: '/actions/runs/ack',
  summary: 'Acknowledge a claimed action run before executing it; 409 when already acknowledged',
  request: { body: jsonBody(ackActionRunBodySchema) },
  responses: { 200: ok('This agent owns the run') },
});

export const claimPendingNodeRuns = defineRoute({
  method: 'post',
  path: '/workflows/runs/claim-pending',
  summary:
    "Claim an installation's pending INTEGRATION_ACTION node runs, each with its node's config (machine credentials)",
  request: { body: jsonBody(claimPendingBodySchema) },
  responses: {
    200: ok('The claimed node runs, oldest first', { nodeRuns: z.array(nodeRunSchema) }),
  },
});

export const acknowledgeNodeRun = defineRoute({
  method: 'patch',
  path: '/workflows/runs/ack',
  summary: 'Acknowledge a claimed node run before executing it; 409 when already acknowledged',
  request: { body: jsonBody(ackNodeRunBodySchema) },
  responses: { 200: ok('This agent owns the node run') },
});

export const findNodeRunsByExternalId = defineRoute({
  method: 'get',
  path: '/workflows/nodes/runs',
  summary:
    'Find node runs by external_run_id, newest first, [] when none (include=nodeConfig adds node.config)',
  request: { query: nodeRunLookupQuerySchema },
  responses: { 200: ok('The matching node runs', { nodeRuns: z.array(nodeRunSchema) }) },
});
