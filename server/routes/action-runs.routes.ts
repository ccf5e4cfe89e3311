import { z } from 'zod';
import {
  actionRunLogPostSchema,
  actionRunLogsQuerySchema,
  actionRunPatchSchema,
  actionRunPathId,
  actionRunsListQuerySchema,
  actionRunV1Schema,
  actionRunV2Schema,
  approvalBodySchema,
  approverSchema,
  runLogSchema,
  versionQuerySchema,
} from '../../contract/actions';
import { defineRoute, jsonBody, ok } from '../http/openapi';

const runPath = z.object({ id: actionRunPathId });
/** `version=v1` (Port's documented example, the default) or `v2` (what the dashboard reads). */
const actionRun = z.union([actionRunV1Schema, actionRunV2Schema]);

export const listActionRuns = defineRoute({
  method: 'get',
  path: '/runs',
  summary: 'List action runs, newest first',
  request: { query: actionRunsListQuerySchema },
  responses: {
    200: ok('A page of runs', { runs: z.array(actionRun), nextCursor: z.string().nullable() }),
  },
});

export const getActionRun = defineRoute({
  method: 'get',
  path: '/runs/{id}',
  summary: 'Get an action run (version=v1 | v2)',
  request: { params: runPath, query: versionQuerySchema },
  responses: { 200: ok('The run', { run: actionRun }) },
});

export const patchActionRun = defineRoute({
  method: 'patch',
  path: '/runs/{id}',
  summary: 'Update an action run (status, statusLabel, link, summary, externalRunId)',
  request: { params: runPath, query: versionQuerySchema, body: jsonBody(actionRunPatchSchema) },
  responses: { 200: ok('The updated run', { run: actionRun }) },
});

export const postActionRunLog = defineRoute({
  method: 'post',
  path: '/runs/{id}/logs',
  summary: 'Add a log line to an action run (optionally ending it)',
  request: { params: runPath, body: jsonBody(actionRunLogPostSchema) },
  responses: { 201: ok('The stored line', { runLog: runLogSchema }) },
});

export const readActionRunLogs = defineRoute({
  method: 'get',
  path: '/runs/{id}/logs',
  summary: "Page an action run's log lines",
  request: { params: runPath, query: actionRunLogsQuerySchema },
  responses: {
    200: ok('A page of log lines', {
      runLogs: z.array(runLogSchema),
      nextCursor: z.string().nullable(),
    }),
  },
});

export const decideActionRunApproval = defineRoute({
  method: 'patch',
  path: '/runs/{id}/approval',
  summary: 'Approve or decline an action run (admin)',
  request: { params: runPath, query: versionQuerySchema, body: jsonBody(approvalBodySchema) },
  responses: { 201: ok('The decided run', { run: actionRun }) },
});

export const listApprovers = defineRoute({
  method: 'get',
  path: '/runs/{id}/approvers',
  summary: 'The approvers of an action run and their decisions',
  request: { params: runPath },
  responses: { 200: ok('The approvers', { approvers: z.array(approverSchema) }) },
});
