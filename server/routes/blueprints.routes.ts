import { z } from 'zod';
import { blueprintBodySchema, blueprintSchema } from '../../contract/actions';
import { identifierSchema } from '../../contract/common';
import { adminOrMachine } from '../http/auth';
import { defineRoute, jsonBody, ok } from '../http/openapi';

export const listBlueprints = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List blueprints',
  responses: { 200: ok('Every blueprint', { blueprints: z.array(blueprintSchema) }) },
});

export const createBlueprint = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Create a blueprint (admin)',
  middleware: adminOrMachine('create blueprints'),
  request: { body: jsonBody(blueprintBodySchema) },
  responses: { 201: ok('Created', { blueprint: blueprintSchema }) },
});

export const getBlueprint = defineRoute({
  method: 'get',
  path: '/{bp}',
  summary: 'Get a blueprint',
  request: { params: z.object({ bp: identifierSchema }) },
  responses: { 200: ok('The blueprint', { blueprint: blueprintSchema }) },
});

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const deleteBlueprint = defineRoute({
  method: 'delete',
  path: '/{bp}',
  summary: 'Delete a blueprint (admin); refused while it has entities unless delete_entities=true',
  middleware: adminOrMachine('delete blueprints'),
  request: {
    params: z.object({ bp: identifierSchema }),
    query: z.object({
      /** Port: also delete the actions whose trigger.blueprintIdentifier is this blueprint. */
      delete_actions: booleanParam.default(false),
      /** [ext] also delete its entities (Port: DELETE /v1/blueprints/{id}/all-entities first). */
      delete_entities: booleanParam.default(false),
    }),
  },
  responses: { 200: ok('Deleted') },
});

export const deleteAllEntities = defineRoute({
  method: 'delete',
  path: '/{bp}/all-entities',
  summary: "Delete every entity of a blueprint (admin), as Port's route does",
  middleware: adminOrMachine('delete all entities of a blueprint'),
  request: { params: z.object({ bp: identifierSchema }) },
  responses: { 200: ok('Deleted') },
});
