import { z } from 'zod';
import { meResponseSchema, serverInfoSchema } from '../../contract/auth';
import { defineRoute, noAuth, ok, response } from '../http/openapi';

export const apiDocument = defineRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  ...noAuth,
  responses: { 200: response('OpenAPI 3.1', z.looseObject({ openapi: z.string() })) },
});

export const serverInfo = defineRoute({
  method: 'get',
  path: '/server-info',
  summary: '[ext] Whether the demo seed runs, and the credentials the sign-in page may prefill',
  ...noAuth,
  responses: { 200: response('Server information', serverInfoSchema) },
});

export const me = defineRoute({
  method: 'get',
  path: '/me',
  summary: '[ext] The user the token belongs to',
  responses: { 200: response('The user', meResponseSchema) },
});

export const organizationSecret = defineRoute({
  method: 'get',
  path: '/organization/secret',
  summary: '[ext] The secret that signs webhook requests (X-Runboard-Signature) (admin)',
  responses: { 200: ok('The secret', { secret: z.string() }) },
});
