import { z } from 'zod';
import { accessTokenBodySchema } from '../../contract/auth';
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
                required: true,
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
