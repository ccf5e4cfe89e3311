import { z } from 'zod';
import { identifierSchema } from '../../contract/common';
import {
  activityPageSchema,
  activityQuerySchema,
  bulkEntitiesBodySchema,
  bulkEntityErrorSchema,
  bulkEntityResultSchema,
  entityBodySchema,
  entityDeleteQuerySchema,
  entityPatchSchema,
  entityReadQuerySchema,
  entityRunQuerySchema,
  entityListQuerySchema,
  entitySchema,
  entityViewSchema,
  entityWriteQuerySchema,
  searchBodySchema,
  searchQuerySchema,
} from '../../contract/entities';
import { defineRoute, jsonBody, ok, response } from '../http/openapi';

const blueprintPath = z.object({ bp: identifierSchema });
const entityPath = z.object({ bp: identifierSchema, id: identifierSchema });

export const listEntities = defineRoute({
  method: 'get',
  path: '/{bp}/entities',
  summary: 'List the entities of a blueprint; [ext] search narrows to identifier or title',
  request: { params: blueprintPath, query: entityListQuerySchema },
  responses: { 200: ok('Every entity of the blueprint', { entities: z.array(entityViewSchema) }) },
});

export const createEntity = defineRoute({
  method: 'post',
  path: '/{bp}/entities',
  summary:
    'Create (or with upsert=true replace, with merge=true update) an entity; run_id ties it to a run',
  request: {
    params: blueprintPath,
    query: entityWriteQuerySchema,
    body: jsonBody(entityBodySchema),
  },
  responses: { 201: ok('Created or replaced', { entity: entitySchema }) },
});

export const bulkUpsertEntities = defineRoute({
  method: 'post',
  path: '/{bp}/entities/bulk',
  summary: 'Upsert up to 20 entities, each on its own; 207 when some were refused',
  request: {
    params: blueprintPath,
    query: entityWriteQuerySchema,
    body: jsonBody(bulkEntitiesBodySchema),
  },
  responses: {
    200: ok('All written', {
      entities: z.array(bulkEntityResultSchema),
      errors: z.array(bulkEntityErrorSchema),
    }),
    207: ok('Some written, some refused', {
      entities: z.array(bulkEntityResultSchema),
      errors: z.array(bulkEntityErrorSchema),
    }),
  },
});

export const getEntity = defineRoute({
  method: 'get',
  path: '/{bp}/entities/{id}',
  summary: 'Get an entity; include / exclude name dotted paths to keep or drop',
  request: { params: entityPath, query: entityReadQuerySchema },
  responses: { 200: ok('The entity', { entity: entityViewSchema }) },
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
  summary: 'Delete an entity (delete_dependents=true: and the entities related to it)',
  request: { params: entityPath, query: entityDeleteQuerySchema },
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

export const searchEntities = defineRoute({
  method: 'post',
  path: '/search',
  summary: "Search entities with Port's rules (nested and/or groups, operators, meta-properties)",
  request: { query: searchQuerySchema, body: jsonBody(searchBodySchema) },
  responses: {
    200: ok('The matching entities', {
      matchingBlueprints: z.array(z.string()),
      entities: z.array(entityViewSchema),
      nextCursor: z.string().nullable(),
    }),
  },
});
