import { z } from 'zod';
import {
  actionBodySchema,
  actionRunV1Schema,
  actionRunV2Schema,
  actionSchema,
  startActionRunBodySchema,
  startActionRunQuerySchema,
  versionQuerySchema,
} from '../../contract/actions';
import { identifierSchema } from '../../contract/common';
import { adminOrMachine } from '../http/auth';
import { defineRoute, jsonBody, ok } from '../http/openapi';

const actionPath = z.object({ actionId: identifierSchema });

export const listActions = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List actions',
  responses: { 200: ok('Every action', { actions: z.array(actionSchema) }) },
});

export const createAction = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Create an action (admin)',
  middleware: adminOrMachine('create actions'),
  request: { body: jsonBody(actionBodySchema) },
  responses: { 201: ok('Created', { action: actionSchema }) },
});

export const getAction = defineRoute({
  method: 'get',
  path: '/{actionId}',
  summary: 'Get an action',
  request: { params: actionPath },
  responses: { 200: ok('The action', { action: actionSchema }) },
});

export const deleteAction = defineRoute({
  method: 'delete',
  path: '/{actionId}',
  summary: 'Delete an action (admin); its past runs stay readable',
  middleware: adminOrMachine('delete actions'),
  request: { params: actionPath },
  responses: { 200: ok('Deleted') },
});

export const startActionRun = defineRoute({
  method: 'post',
  path: '/{actionId}/runs',
  summary: 'Start an action run',
  request: {
    params: actionPath,
    query: startActionRunQuerySchema.extend(versionQuerySchema.shape),
    body: jsonBody(startActionRunBodySchema),
  },
  responses: {
    202: ok('Started (or waiting for approval)', {
      run: z.union([actionRunV1Schema, actionRunV2Schema]),
    }),
  },
});
