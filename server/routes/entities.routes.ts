import { z } from 'zod';
import { identifierSchema } from '../../contract/common';
import {
  activityPageSchema,
  activityQuerySchema,
  entityBodySchema,
  entityPatchSchema,
  entityRunQuerySchema,
  entityListQuerySchema,
  entitySchema,
  entityWriteQuerySchema,
} from '../../contract/entities';
import { defineRoute, jsonBody, ok, response } from '../http/openapi';

const blueprintPath = z.object({ bp: identifierSchema });
const entityPath = z.object({ bp: identifierSchema, id: identifierSchema });

export const listEntities = defineRoute({
  method: 'get',
  path: '/{bp}/entities',
  summary: 'List the entities of a blueprint; [ext] search narrows to identifier or title',
  request: { params: blueprintPath, query: entityListQuerySchema },
  responses: { 200: ok('Every entity of the blueprint', { entities: z.array(entitySchema) }) },
});

export const createEntity = defineRoute({
  method: 'post',
  path: '/{bp}/entities',
  summary: 'Create (or with upsert=true replace) an entity; run_id ties it to a run',
  request: {
    params: blueprintPath,
    query: entityWriteQuerySchema,
    body: jsonBody(entityBodySchema),
  },
  responses: { 201: ok('Created or replaced', { entity: entitySchema }) },
});

export const getEntity = defineRoute({
  method: 'get',
  path: '/{bp}/entities/{id}',
  summary: 'Get an entity',
  request: { params: entityPath },
  responses: { 200: ok('The entity', { entity: entitySchema }) },
});

export const replaceEntity = defineRoute({
  method: 'put',
  path: '/{bp}/entities/{id}',
  summary: 'Replace an entity; run_id ties it to a run',
  request: { params: entityPath, query: entityRunQuerySchema, body: jsonBody(entityBodySchema) },
  responses: { 200: ok('Replaced', { entity: entitySchema }) },
});

export const patchEntity = defineRoute({
  method: 'patch',
  path: '/{bp}/entities/{id}',
  summary: "Update an entity's given keys; run_id ties it to a run",
  request: { params: entityPath, query: entityRunQuerySchema, body: jsonBody(entityPatchSchema) },
  responses: { 200: ok('Updated', { entity: entitySchema }) },
});

export const deleteEntity = defineRoute({
  method: 'delete',
  path: '/{bp}/entities/{id}',
  summary: 'Delete an entity; run_id ties it to a run',
  request: { params: entityPath, query: entityRunQuerySchema },
  responses: { 200: ok('Deleted') },
});

export const entityActivity = defineRoute({
  method: 'get',
  path: '/{bp}/entities/{id}/activity',
  summary: "[ext] The entity's workflow runs, action runs and audit entries, newest first",
  request: { params: entityPath, query: activityQuerySchema },
  responses: {
    200: response('A page of the feed', activityPageSchema),
  },
});
