import { z } from 'zod';
import {
  actionRunPathId,
  actionRunV1Schema,
  actionRunV2Schema,
  versionQuerySchema,
} from '../../contract/actions';
import {
  cancelWorkflowRunBodySchema,
  cancelWorkflowRunQuerySchema,
  completeActionRunBodySchema,
  completeWorkflowRunBodySchema,
  rerunWorkflowRunBodySchema,
} from '../../contract/run-controls';
import { pathIds, workflowRunSchema } from '../../contract/workflows';
import { defineRoute, jsonBody, ok } from '../http/openapi';

const runPath = z.object({ wfr: pathIds.workflowRunId });

export const completeWorkflowRun = defineRoute({
  method: 'post',
  path: '/workflows/runs/{wfr}/complete',
  summary:
    '[ext] Mark a workflow run complete by hand: its in-progress node runs and the run end with the result (admins and the starter)',
  request: { params: runPath, body: jsonBody(completeWorkflowRunBodySchema) },
  responses: { 200: ok('The completed run', { workflowRun: workflowRunSchema }) },
});

export const cancelWorkflowRun = defineRoute({
  method: 'post',
  path: '/workflows/runs/{wfr}/cancel',
  summary:
    'Cancel a workflow run: CANCELLING until its in-progress node runs finish, or CANCELLED at once with force=true (admins and the starter)',
  request: {
    params: runPath,
    query: cancelWorkflowRunQuerySchema,
    body: jsonBody(cancelWorkflowRunBodySchema, { required: false }),
  },
  responses: { 200: ok('The cancelling or cancelled run', { workflowRun: workflowRunSchema }) },
});

export const rerunWorkflowRun = defineRoute({
  method: 'post',
  path: '/workflows/runs/{wfr}/rerun',
  summary:
    '[ext] Re-run a workflow run with the same inputs, optionally from a node reusing its upstream outputs (admins and the starter); 409 workflow_deleted when its workflow has been deleted since',
  request: {
    params: runPath,
    body: jsonBody(rerunWorkflowRunBodySchema, { required: false }),
  },
  responses: { 201: ok('The new run', { workflowRun: workflowRunSchema }) },
});

export const completeActionRun = defineRoute({
  method: 'post',
  path: '/actions/runs/{id}/complete',
  summary:
    '[ext] Mark an action run SUCCESS or FAILURE by hand, with a reason (admins and the starter)',
  request: {
    params: z.object({ id: actionRunPathId }),
    query: versionQuerySchema,
    body: jsonBody(completeActionRunBodySchema),
  },
  responses: {
    200: ok('The ended run (v1 or v2 by `version`)', {
      run: z.union([actionRunV1Schema, actionRunV2Schema]),
    }),
  },
});
