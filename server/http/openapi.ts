import { z } from 'zod';
import {
  actionBodySchema,
  actionRunLogPostSchema,
  actionRunLogsQuerySchema,
  actionRunPatchSchema,
  actionRunsListQuerySchema,
  approvalBodySchema,
  blueprintBodySchema,
  startActionRunBodySchema,
  versionQuerySchema,
} from '../../contract/actions';
import { accessTokenBodySchema } from '../../contract/auth';
import {
  activityQuerySchema,
  auditQuerySchema,
  entityBodySchema,
  entityPatchSchema,
  entityWriteQuerySchema,
} from '../../contract/entities';
import {
  cancelWorkflowRunBodySchema,
  cancelWorkflowRunQuerySchema,
  completeActionRunBodySchema,
  completeWorkflowRunBodySchema,
  rerunWorkflowRunBodySchema,
} from '../../contract/run-controls';
import {
  logsQuerySchema,
  nodeRunLogsPostSchema,
  nodeRunPatchSchema,
  runsListQuerySchema,
  startRunBodySchema,
  workflowBodySchema,
  workflowReplaceBodySchema,
} from '../../contract/workflows';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  /** The body may be left out entirely (it is read as `{}`). */
  bodyOptional?: boolean;
  query?: z.ZodObject;
  status?: number;
  /** The envelope key of the answer, e.g. `workflowRun`. */
  returns?: string;
}

/** Every /v1 operation, kept beside the routes it describes; the document is derived from it. */
export const operations: Operation[] = [
  {
    method: 'post',
    path: '/v1/auth/access_token',
    summary: 'Exchange client credentials for a bearer token',
    body: accessTokenBodySchema,
    returns: 'accessToken',
  },
  {
    method: 'get',
    path: '/v1/organization/secret',
    summary: '[ext] The secret that signs webhook requests (X-Runboard-Signature) (admin)',
    returns: 'secret',
  },
  {
    method: 'get',
    path: '/v1/workflows',
    summary: 'List workflows (with [ext] run stats)',
    returns: 'workflows',
  },
  {
    method: 'post',
    path: '/v1/workflows',
    summary: 'Create a workflow (admin)',
    body: workflowBodySchema,
    status: 201,
    returns: 'workflow',
  },
  {
    method: 'get',
    path: '/v1/workflows/{workflowId}',
    summary: 'Get a workflow',
    returns: 'workflow',
  },
  {
    method: 'get',
    path: '/v1/workflows/{workflowId}/versions/{version}',
    summary: '[ext] Get the graph of one version of a workflow (kept after replace and delete)',
    returns: 'workflowVersion',
  },
  {
    method: 'put',
    path: '/v1/workflows/{workflowId}',
    summary: 'Replace a workflow (admin); bumps version',
    body: workflowReplaceBodySchema,
    returns: 'workflow',
  },
  {
    method: 'delete',
    path: '/v1/workflows/{workflowId}',
    summary: 'Delete a workflow (admin)',
    returns: 'workflow',
  },
  {
    method: 'post',
    path: '/v1/workflows/{workflowId}/runs',
    summary: 'Start a workflow run',
    body: startRunBodySchema,
    status: 201,
    returns: 'workflowRun',
  },
  {
    method: 'get',
    path: '/v1/workflows/runs',
    summary: 'List workflow runs, newest first',
    query: runsListQuerySchema,
    returns: 'workflowRuns',
  },
  {
    method: 'get',
    path: '/v1/workflows/runs/{wfr}',
    summary: 'Get a workflow run',
    returns: 'workflowRun',
  },
  {
    method: 'get',
    path: '/v1/workflows/runs/{wfr}/logs',
    summary: 'Page the log lines of every node run of a run',
    query: logsQuerySchema,
    returns: 'logs',
  },
  {
    method: 'patch',
    path: '/v1/workflows/nodes/runs/{wfnr}',
    summary: 'Update a node run (status, result, output, logs)',
    body: nodeRunPatchSchema,
  },
  {
    method: 'patch',
    path: '/v1/workflows/runs/{wfr}/nodes/{wfnr}',
    summary: 'Update a node run (path of Port’s workflow-runs docs page)',
    body: nodeRunPatchSchema,
  },
  {
    method: 'get',
    path: '/v1/workflows/nodes/runs/{wfnr}/logs',
    summary: 'Page the log lines of a node run',
    query: logsQuerySchema,
    returns: 'logs',
  },
  {
    method: 'post',
    path: '/v1/workflows/nodes/runs/{wfnr}/logs',
    summary: 'Append log lines to a node run',
    body: nodeRunLogsPostSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/blueprints',
    summary: 'List blueprints',
    returns: 'blueprints',
  },
  {
    method: 'post',
    path: '/v1/blueprints',
    summary: 'Create a blueprint (admin)',
    body: blueprintBodySchema,
    status: 201,
    returns: 'blueprint',
  },
  {
    method: 'get',
    path: '/v1/blueprints/{bp}',
    summary: 'Get a blueprint',
    returns: 'blueprint',
  },
  {
    method: 'get',
    path: '/v1/blueprints/{bp}/entities',
    summary: 'List the entities of a blueprint',
    returns: 'entities',
  },
  {
    method: 'post',
    path: '/v1/blueprints/{bp}/entities',
    summary: 'Create (or with upsert=true replace) an entity; run_id ties it to a run',
    body: entityBodySchema,
    query: entityWriteQuerySchema,
    status: 201,
    returns: 'entity',
  },
  {
    method: 'get',
    path: '/v1/blueprints/{bp}/entities/{id}',
    summary: 'Get an entity',
    returns: 'entity',
  },
  {
    method: 'put',
    path: '/v1/blueprints/{bp}/entities/{id}',
    summary: 'Replace an entity; run_id ties it to a run',
    body: entityBodySchema,
    returns: 'entity',
  },
  {
    method: 'patch',
    path: '/v1/blueprints/{bp}/entities/{id}',
    summary: "Update an entity's given keys; run_id ties it to a run",
    body: entityPatchSchema,
    returns: 'entity',
  },
  {
    method: 'delete',
    path: '/v1/blueprints/{bp}/entities/{id}',
    summary: 'Delete an entity; run_id ties it to a run',
  },
  {
    method: 'get',
    path: '/v1/blueprints/{bp}/entities/{id}/activity',
    summary: "[ext] The entity's workflow runs, action runs and audit entries, newest first",
    query: activityQuerySchema,
    returns: 'activity',
  },
  {
    method: 'get',
    path: '/v1/actions',
    summary: 'List actions',
    returns: 'actions',
  },
  {
    method: 'post',
    path: '/v1/actions',
    summary: 'Create an action (admin)',
    body: actionBodySchema,
    status: 201,
    returns: 'action',
  },
  {
    method: 'get',
    path: '/v1/actions/{actionId}',
    summary: 'Get an action',
    returns: 'action',
  },
  {
    method: 'post',
    path: '/v1/actions/{actionId}/runs',
    summary: 'Start an action run',
    body: startActionRunBodySchema,
    status: 202,
    returns: 'run',
  },
  {
    method: 'get',
    path: '/v1/actions/runs',
    summary: 'List action runs, newest first',
    query: actionRunsListQuerySchema,
    returns: 'runs',
  },
  {
    method: 'get',
    path: '/v1/actions/runs/{id}',
    summary: 'Get an action run (version=v1 | v2)',
    returns: 'run',
  },
  {
    method: 'patch',
    path: '/v1/actions/runs/{id}',
    summary: 'Update an action run (status, statusLabel, link, summary, externalRunId)',
    body: actionRunPatchSchema,
    returns: 'run',
  },
  {
    method: 'post',
    path: '/v1/actions/runs/{id}/logs',
    summary: 'Add a log line to an action run (optionally ending it)',
    body: actionRunLogPostSchema,
    status: 201,
    returns: 'runLog',
  },
  {
    method: 'get',
    path: '/v1/actions/runs/{id}/logs',
    summary: "Page an action run's log lines",
    query: actionRunLogsQuerySchema,
    returns: 'runLogs',
  },
  {
    method: 'patch',
    path: '/v1/actions/runs/{id}/approval',
    summary: 'Approve or decline an action run (admin)',
    body: approvalBodySchema,
    status: 201,
    returns: 'run',
  },
  {
    method: 'get',
    path: '/v1/actions/runs/{id}/approvers',
    summary: 'The approvers of an action run and their decisions',
    returns: 'approvers',
  },
  {
    method: 'post',
    path: '/v1/workflows/runs/{wfr}/complete',
    summary:
      '[ext] Mark a workflow run complete by hand: its in-progress node runs and the run end with the result (admins and the starter)',
    body: completeWorkflowRunBodySchema,
    returns: 'workflowRun',
  },
  {
    method: 'post',
    path: '/v1/workflows/runs/{wfr}/cancel',
    summary:
      'Cancel a workflow run: CANCELLING until its in-progress node runs finish, or CANCELLED at once with force=true (admins and the starter)',
    body: cancelWorkflowRunBodySchema,
    bodyOptional: true,
    query: cancelWorkflowRunQuerySchema,
    returns: 'workflowRun',
  },
  {
    method: 'post',
    path: '/v1/workflows/runs/{wfr}/rerun',
    summary:
      '[ext] Re-run a workflow run with the same inputs, optionally from a node reusing its upstream outputs (admins and the starter)',
    body: rerunWorkflowRunBodySchema,
    bodyOptional: true,
    status: 201,
    returns: 'workflowRun',
  },
  {
    method: 'post',
    path: '/v1/actions/runs/{id}/complete',
    summary:
      '[ext] Mark an action run SUCCESS or FAILURE by hand, with a reason (admins and the starter)',
    body: completeActionRunBodySchema,
    query: versionQuerySchema,
    returns: 'run',
  },
  {
    method: 'get',
    path: '/v1/audit-log',
    summary: 'List audit entries, newest first',
    query: auditQuerySchema,
    returns: 'audits',
  },
];

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = op.query
      ? Object.keys(op.query.shape).map((name) => ({ name, in: 'query', required: false }))
      : [];
    paths[op.path] = {
      ...paths[op.path],
      [op.method]: {
        summary: op.summary,
        parameters: [...params, ...queryParams],
        ...(op.body
          ? {
              requestBody: {
                required: !op.bodyOptional,
                content: { 'application/json': { schema: jsonSchema(op.body) } },
              },
            }
          : {}),
        responses: {
          [String(op.status ?? 200)]: {
            description: op.returns ? `{ ok: true, ${op.returns} }` : '{ ok: true }',
          },
          '4XX': { description: '{ ok: false, error, message }' },
        },
        security: op.path === '/v1/auth/access_token' ? [] : [{ bearer: [] }],
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Runboard runs API (Port-compatible)', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
