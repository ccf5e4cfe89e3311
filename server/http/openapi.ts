import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { apiErrorSchema } from '../../contract/common';
import type { AuthEnv } from './auth';
import {
  checkParamsFirst,
  MAX_JSON_DEPTH,
  normalizeRequest,
  outputDepth,
  SHALLOW_OUTPUT,
  validationHook,
} from './validate';

/**
 * A group of routes whose declarations are their OpenAPI operations: each route is added with
 * `.openapi(route, handler)`, validated by the zod schemas in its declaration (messages worded by
 * validationHook), and listed in /v1/openapi.json when the group is mounted.
 */
export const apiRoutes = () => new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

const json = <S extends z.ZodType>(schema: S) => ({ 'application/json': { schema } });

/** An answer whose whole JSON body `schema` describes (e.g. a page schema from contract/). */
export const response = <S extends z.ZodType>(description: string, schema: S) => ({
  description,
  content: json(schema),
});

/** A success answer: Port's envelope `{ok: true, ...fields}`. */
export const ok = <F extends z.ZodRawShape = Record<never, never>>(
  description: string,
  fields?: F,
) => response(description, z.object({ ok: z.literal(true), ...fields }));

/** A JSON request body, as the route reads it (an empty body is `{}`). */
export const jsonBody = <S extends z.ZodType>(schema: S, { required = true } = {}) => ({
  required,
  content: json(schema),
});

const errorResponses = {
  '4XX': { description: 'Refused: `{ok: false, error, message}`', content: json(apiErrorSchema) },
  '5XX': { description: 'Failed: `{ok: false, error, message}`', content: json(apiErrorSchema) },
};

/** Operations that need no bearer token. */
export const noAuth = { security: [] };

const SYNC = Symbol('parsed synchronously');

/**
 * zod-openapi's validators call `schema.safeParseAsync`, which walks the value as zod's async
 * parse does: every object through the generic property loop. Parsed synchronously, zod runs an
 * object through the parser it compiles once per schema (its JIT "fastpass", which only a sync
 * parse takes): the same result and the same issues, with less CPU a value — a 100-line log
 * batch is 100 objects. Our request schemas have no async refinements; should one ever have
 * (zod then throws $ZodAsyncError), that request is parsed asynchronously as before.
 */
function parsedSynchronously(schema: z.ZodType) {
  if ((schema as { [SYNC]?: true })[SYNC]) return;
  const parseAsync = schema.safeParseAsync.bind(schema);
  // Its output nests less than MAX_JSON_DEPTH: the hook's storability walk can be skipped (see
  // SHALLOW_OUTPUT); zod-validator hands the hook the result's own properties, this one too.
  const shallow = outputDepth(schema) < MAX_JSON_DEPTH;
  Object.defineProperty(schema, 'safeParseAsync', {
    value: (data: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) => {
      try {
        const result = schema.safeParse(data, params);
        if (shallow && result.success) {
          (result as { [SHALLOW_OUTPUT]?: true })[SHALLOW_OUTPUT] = true;
        }
        return Promise.resolve(result);
      } catch (error) {
        if (error instanceof z.core.$ZodAsyncError) return parseAsync(data, params);
        throw error;
      }
    },
  });
  Object.defineProperty(schema, SYNC, { value: true });
}

/**
 * createRoute plus what every route shares: the error responses, and the middleware that keeps
 * validation as the API has always done it (see normalizeRequest, checkParamsFirst). Middleware
 * given in the declaration (e.g. adminOnly) runs first, before any validation.
 */
export function defineRoute<const R extends RouteConfig>(config: R) {
  const given = config.middleware;
  const request = config.request;
  for (const schema of [
    request?.params,
    request?.query,
    (request?.body?.content['application/json'] as { schema?: unknown } | undefined)?.schema,
  ]) {
    if (schema instanceof z.ZodType) parsedSynchronously(schema);
  }
  const middleware: MiddlewareHandler[] = [
    ...(Array.isArray(given) ? given : given ? [given] : []),
    ...(request?.params && request.query ? [checkParamsFirst(request.params as z.ZodObject)] : []),
    ...(request?.query || request?.body ? [normalizeRequest(request.body !== undefined)] : []),
  ];
  return createRoute({
    ...config,
    middleware,
    // Documented, but left out of the handler's typed answers: errors are thrown as ApiError and
    // rendered once by app.onError, never returned by a handler.
    responses: { ...config.responses, ...errorResponses } as R['responses'],
  });
}

/**
 * The document served at /v1/openapi.json, generated from the declarations mounted on `app`;
 * built once, after every route is mounted.
 */
export function openApiDocument(app: OpenAPIHono<AuthEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Runboard runs API (Port-compatible)', version: '1' },
    security: [{ bearer: [] }],
  });
}
