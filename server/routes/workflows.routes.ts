import { z } from 'zod';
import { identifierSchema } from '../../contract/common';
import {
  startRunBodySchema,
  workflowBodySchema,
  workflowReplaceBodySchema,
  workflowRunSchema,
  workflowSchema,
  workflowVersionSchema,
} from '../../contract/workflows';
import { adminOnly } from '../http/auth';
import { defineRoute, jsonBody, ok } from '../http/openapi';

const workflowPath = z.object({ workflowId: identifierSchema });

export const listWorkflows = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List workflows (with [ext] run stats)',
  responses: { 200: ok('Every workflow', { workflows: z.array(workflowSchema) }) },
});

export const createWorkflow = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Create a workflow (admin)',
  middleware: adminOnly('create workflows'),
  request: { body: jsonBody(workflowBodySchema) },
  responses: { 201: ok('Created', { workflow: workflowSchema }) },
});

export const getWorkflow = defineRoute({
  method: 'get',
  path: '/{workflowId}',
  summary: 'Get a workflow',
  request: { params: workflowPath },
  responses: { 200: ok('The workflow', { workflow: workflowSchema }) },
});

export const getWorkflowVersion = defineRoute({
  method: 'get',
  path: '/{workflowId}/versions/{version}',
  summary: '[ext] The graph a version had (kept after replace and delete), for drawing its runs',
  request: {
    params: workflowPath.extend({ version: z.coerce.number().int().min(1).max(2147483647) }),
  },
  responses: { 200: ok('That version', { workflowVersion: workflowVersionSchema }) },
});

export const replaceWorkflow = defineRoute({
  method: 'put',
  path: '/{workflowId}',
  summary: 'Replace a workflow (admin); bumps version',
  middleware: adminOnly('change workflows'),
  request: { params: workflowPath, body: jsonBody(workflowReplaceBodySchema) },
  responses: { 200: ok('The new version', { workflow: workflowSchema }) },
});

export const deleteWorkflow = defineRoute({
  method: 'delete',
  path: '/{workflowId}',
  summary: 'Delete a workflow (admin)',
  middleware: adminOnly('delete workflows'),
  request: { params: workflowPath },
  responses: { 200: ok('Deleted', { workflow: workflowSchema }) },
});

export const startRun = defineRoute({
  method: 'post',
  path: '/{workflowId}/runs',
  summary: 'Start a workflow run',
  request: { params: workflowPath, body: jsonBody(startRunBodySchema) },
  responses: { 201: ok('Started', { workflowRun: workflowRunSchema }) },
});
