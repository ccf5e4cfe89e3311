import { accessTokenBodySchema, accessTokenResponseSchema } from '../../contract/auth';
import { defineRoute, jsonBody, noAuth, response } from '../http/openapi';

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
