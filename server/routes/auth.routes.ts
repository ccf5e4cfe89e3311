import { z } from 'zod';
import {
  accessTokenBodySchema,
  accessTokenResponseSchema,
  signInBodySchema,
} from '../../contract/auth';
import { userSchema } from '../../contract/users';
import { defineRoute, jsonBody, noAuth, ok, response } from '../http/openapi';

export const issueAccessToken = defineRoute({
  method: 'post',
  path: '/access_token',
  summary: 'Exchange client credentials for a bearer token',
  ...noAuth,
  request: { body: jsonBody(accessTokenBodySchema) },
  responses: {
    200: response('A bearer token', accessTokenResponseSchema),
  },
});

export const signIn = defineRoute({
  method: 'post',
  path: '/sign-in',
  summary: '[ext] Sign a person in with email and password; sets the httpOnly session cookie',
  ...noAuth,
  request: { body: jsonBody(signInBodySchema) },
  responses: { 200: ok('Signed in', { user: userSchema }) },
});

export const tokenSession = defineRoute({
  method: 'post',
  path: '/session',
  summary:
    '[ext] Exchange a bearer token (a person’s) for a browser session cookie that ends no later than the token',
  responses: { 200: ok('Signed in', { user: userSchema }) },
});

export const signOut = defineRoute({
  method: 'post',
  path: '/sign-out',
  summary: '[ext] End this browser session',
  ...noAuth,
  responses: { 200: ok('Signed out') },
});

export const signOutEverywhere = defineRoute({
  method: 'post',
  path: '/auth/sign-out-everywhere',
  summary: '[ext] End every session and access token of the signed-in user',
  responses: { 200: ok('Signed out everywhere') },
});

export const oidcStart = defineRoute({
  method: 'get',
  path: '/oidc/start',
  summary: '[ext] Start single sign-on: redirects to the OpenID Connect provider',
  ...noAuth,
  request: { query: z.object({ redirect: z.string().max(2000).optional() }) },
  responses: { 302: { description: 'To the provider (or back to /sign-in with an error)' } },
});

export const oidcCallback = defineRoute({
  method: 'get',
  path: '/oidc/callback',
  summary: '[ext] Where the provider sends the browser back; sets the session cookie',
  ...noAuth,
  responses: { 302: { description: 'To the page asked for (or /sign-in with an error)' } },
});
