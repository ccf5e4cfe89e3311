import { z } from 'zod';
import {
  logsPageSchema,
  logsQuerySchema,
  nodeRunAloneSchema,
  nodeRunLogsPostSchema,
  nodeRunOutputResponseSchema,
  nodeRunPatchSchema,
  pathIds,
  runOutputsResponseSchema,
  runViewSchema,
  runsListQuerySchema,
  runsListResponseSchema,
  workflowRunSchema,
  workflowRunSummarySchema,
} from '../../contract/workflows';
import { shallowOutputQuerySchema, shallowOutputResponseSchema } from '../../contract/json-pointer';
import { defineRoute, jsonBody, ok, response } from '../http/openapi';

const runPath = z.object({ wfr: pathIds.workflowRunId });
const nodeRunPath = z.object({ wfnr: pathIds.nodeRunId });

/** The answer to a poll whose If-None-Match still names the resource (no body). */
const unchanged = { description: 'Unchanged since the ETag sent in If-None-Match' };

export const listRuns = defineRoute({
  method: 'get',
  path: '/runs',
  summary: 'List workflow runs, newest first',
  request: { query: runsListQuerySchema },
  responses: {
    200: response('A page of runs', runsListResponseSchema),
  },
});

export const getRun = defineRoute({
  method: 'get',
  path: '/runs/{wfr}',
  summary: 'Get a workflow run',
  request: {
    params: runPath,
    query: z.object({
      includeLogs: z.enum(['true', 'false']).optional(),
      /** [ext] `summary`: the run without its outputs (what the dashboard polls). */
      view: runViewSchema.optional(),
      /**
       * [ext] `true`: the ETag ignores lines being appended, so a poll answers 304 while only
       * the level counts (and updatedAt) moved; a client that takes the counts from the log it
       * reads (the `counts` of a log page or a stream's `lines` event) says so. Ignored with
       * `includeLogs=true`.
       */
      ignoreLogCounts: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: {
    200: ok('The run', {
      workflowRun: z.union([workflowRunSchema, workflowRunSummarySchema]),
    }),
    304: unchanged,
  },
});

export const getRunOutputs = defineRoute({
  method: 'get',
  path: '/runs/{wfr}/outputs',
  summary: '[ext] A run’s variables.outputs alone (cacheable for good once the run completed)',
  request: { params: runPath },
  responses: { 200: response('The outputs', runOutputsResponseSchema) },
});

export const getNodeRun = defineRoute({
  method: 'get',
  path: '/nodes/runs/{wfnr}',
  summary:
    '[ext] A node run without its output, with the workflow run it belongs to (workflowRunIdentifier)',
  request: { params: nodeRunPath },
  responses: { 200: ok('The node run', { nodeRun: nodeRunAloneSchema }) },
});

export const getNodeRunOutput = defineRoute({
  method: 'get',
  path: '/nodes/runs/{wfnr}/output',
  summary: '[ext] A node run’s output alone (cacheable for good once the node run completed)',
  request: { params: nodeRunPath },
  responses: { 200: response('The output', nodeRunOutputResponseSchema) },
});

export const getShallowNodeRunOutput = defineRoute({
  method: 'get',
  path: '/nodes/runs/{wfnr}/output/shallow',
  summary:
    '[ext] A value inside a node run’s output (JSON pointer), read shallowly: its kind, size and a page of its children with previews',
  request: { params: nodeRunPath, query: shallowOutputQuerySchema },
  responses: { 200: response('The value read shallowly', shallowOutputResponseSchema) },
});

export const readRunLogs = defineRoute({
  method: 'get',
  path: '/runs/{wfr}/logs',
  summary: 'Page the log lines of every node run of a run',
  request: { params: runPath, query: logsQuerySchema },
  responses: {
    200: response('A page of log lines', logsPageSchema),
    304: unchanged,
  },
});

export const patchRunNodeRun = defineRoute({
  method: 'patch',
  path: '/runs/{wfr}/nodes/{wfnr}',
  summary: 'Update a node run (path of Port’s workflow-runs docs page)',
  request: {
    params: z.object({ wfr: pathIds.workflowRunId, wfnr: pathIds.nodeRunId }),
    body: jsonBody(nodeRunPatchSchema),
  },
  responses: { 200: ok('Updated') },
});

export const patchNodeRun = defineRoute({
  method: 'patch',
  path: '/nodes/runs/{wfnr}',
  summary: 'Update a node run (status, result, output, logs)',
  request: { params: nodeRunPath, body: jsonBody(nodeRunPatchSchema) },
  responses: { 200: ok('Updated') },
});

export const readNodeRunLogs = defineRoute({
  method: 'get',
  path: '/nodes/runs/{wfnr}/logs',
  summary: 'Page the log lines of a node run',
  request: { params: nodeRunPath, query: logsQuerySchema },
  responses: {
    200: response('A page of log lines', logsPageSchema),
    304: unchanged,
  },
});

export const postNodeRunLogs = defineRoute({
  method: 'post',
  path: '/nodes/runs/{wfnr}/logs',
  summary: 'Append log lines to a node run',
  request: { params: nodeRunPath, body: jsonBody(nodeRunLogsPostSchema) },
  responses: { 201: ok('Appended') },
});
