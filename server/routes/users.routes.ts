import { z } from 'zod';
import {
  createCredentialBodySchema,
  credentialSchema,
  credentialSecretResponseSchema,
  credentialsListSchema,
  inviteBodySchema,
  updateUserBodySchema,
  userResponseSchema,
  usersListSchema,
} from '../../contract/users';
import { adminOnly } from '../http/auth';
import { defineRoute, jsonBody, ok, response } from '../http/openapi';

const userParams = z.object({ user: z.string().min(1).max(200) });
const credentialParams = z.object({ id: z.string().min(1).max(200) });

export const listUsers = defineRoute({
  method: 'get',
  path: '/users',
  summary: 'The organization’s users (people and machine credentials) with names and emails',
  responses: { 200: response('Users', usersListSchema) },
});

export const inviteUser = defineRoute({
  method: 'post',
  path: '/users/invite',
  middleware: adminOnly('add people'),
  summary: 'Add a person (admin); [ext] names and a first password',
  request: { body: jsonBody(inviteBodySchema) },
  responses: { 201: response('The person', userResponseSchema) },
});

export const updateUser = defineRoute({
  method: 'patch',
  path: '/users/{user}',
  middleware: adminOnly('change people'),
  summary: '[ext] Change a person’s name, role, status or password (admin); by id or email',
  request: { params: userParams, body: jsonBody(updateUserBodySchema) },
  responses: { 200: response('The person', userResponseSchema) },
});

export const listCredentials = defineRoute({
  method: 'get',
  path: '/credentials',
  middleware: adminOnly('manage credentials'),
  summary: '[ext] Machine credentials (admin)',
  responses: { 200: response('Credentials', credentialsListSchema) },
});

export const createCredential = defineRoute({
  method: 'post',
  path: '/credentials',
  middleware: adminOnly('manage credentials'),
  summary: '[ext] Create a machine credential; the secret is in this answer only (admin)',
  request: { body: jsonBody(createCredentialBodySchema) },
  responses: { 201: response('The credential and its secret', credentialSecretResponseSchema) },
});

export const rotateCredential = defineRoute({
  method: 'post',
  path: '/credentials/{id}/rotate',
  middleware: adminOnly('manage credentials'),
  summary: '[ext] A new secret; the old one and its tokens stop at once (admin)',
  request: { params: credentialParams },
  responses: { 200: response('The credential and its new secret', credentialSecretResponseSchema) },
});

export const revokeCredential = defineRoute({
  method: 'delete',
  path: '/credentials/{id}',
  middleware: adminOnly('manage credentials'),
  summary: '[ext] Revoke a machine credential; its tokens stop at once (admin)',
  request: { params: credentialParams },
  responses: { 200: ok('Revoked', { credential: credentialSchema }) },
});
