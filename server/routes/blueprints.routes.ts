import { z } from 'zod';
import { blueprintBodySchema, blueprintSchema } from '../../contract/actions';
import { identifierSchema } from '../../contract/common';
import { adminOnly } from '../http/auth';
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
  middleware: adminOnly('create blueprints'),
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
