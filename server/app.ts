import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { etag } from 'hono/etag';
import type { ServerInfo } from '../contract/auth';
import { demoBackendRoutes } from './backends/demo-backend';
import { DEFAULT_BACKEND_OPTIONS, type Dispatcher } from './backends/dispatcher';
import { organizationSecret } from './backends/signing';
import type { Db } from './db/client';
import { ApiError, forbidden, RateLimited } from './domain/errors';
import { compressResponses, PRECOMPRESSED_FILE } from './http/compress';
import { requireAuth, storedTokenSecret, type AuthEnv } from './http/auth';
import { apiRoutes, openApiDocument } from './http/openapi';
import { securityHeaders } from './http/security-headers';
import { timeRequests } from './http/timing';
import type { OidcClient } from './services/oidc';
import { readStarted } from './services/read-first';
import {
  DEFAULT_RATE_LIMITS,
  DEFAULT_SESSION_POLICY,
  type RateLimits,
  type SessionPolicy,
} from './services/sign-in';
import { actionRunRoutes } from './routes/action-runs';
import { agentWorkRoutes } from './routes/agent-work';
import { actionRoutes } from './routes/actions';
import { auditRoutes } from './routes/audit';
import { authRoutes, ownSessionRoutes } from './routes/auth';
import { blueprintRoutes } from './routes/blueprints';
import { deliveryRoutes } from './routes/deliveries';
import { entityRoutes, entitySearchRoutes } from './routes/entities';
import { logDownloadRoutes } from './routes/log-downloads';
import { logTailRoutes } from './routes/log-tail';
import { runControlRoutes } from './routes/run-controls';
import { trendRoutes } from './routes/trends';
import * as routes from './routes/server.routes';
import { userRoutes } from './routes/users';
import { workflowRunRoutes } from './routes/workflow-runs';
import { workflowRoutes } from './routes/workflows';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  db: Db;
  /** A pool of its own for polls and the sign-in lookup (Database.reads); `db` when not given. */
  reads?: Db;
  clock?: () => Date;
  /** What the sign-in page may prefill; null unless the demo seed runs with default credentials. */
  serverInfo?: Omit<ServerInfo, 'ok'>;
  /** Folder of the built SPA; when set, it is served for every non-API path. */
  staticDir?: string;
  /** Invokes webhooks and UPSERT_ENTITY nodes; told after each write so it starts at once. */
  dispatcher?: Dispatcher;
  /** Signs webhooks instead of the secret stored for the organization (WEBHOOK_SECRET). */
  webhookSecret?: string | undefined;
  /** Signs access tokens instead of the secret stored in the settings table (JWT_SECRET). */
  tokenSecret?: string | undefined;
  /** Sign-in and token endpoint limits (RATE_LIMIT_*). */
  rateLimits?: RateLimits;
  session?: SessionPolicy;
  /** OpenID Connect single sign-on, when configured. */
  oidc?: OidcClient | null;
  /** Behind a reverse proxy: trust X-Forwarded-For / X-Forwarded-Proto. */
  trustProxy?: boolean;
  /** PUBLIC_URL: the origin people use (OIDC redirect, CSRF Origin check). */
  publicUrl?: string | undefined;
  /** RETENTION_DAYS: audit entries of a run it removed say so ([ext] runRetentionDays). */
  retentionDays?: number | undefined;
}

/** `POST /v1/workflows/nodes/runs/{id}/logs`: its write checks the bearer token (see requireAuth). */
const isLogAppend = (c: Context) =>
  c.req.method === 'POST' && /^\/v1\/workflows\/nodes\/runs\/[^/]+\/logs$/.test(c.req.path);

/** GETs answered as a stream (log tail, downloads): not reads that bulk work waits for. */
const STREAMED = /\/logs\/(stream|download)$/;

const errorBody = (error: string, message: string) => ({ ok: false as const, error, message });

export function createApp({
  db,
  reads = db,
  clock = () => new Date(),
  serverInfo,
  staticDir,
  dispatcher,
  webhookSecret,
  tokenSecret,
  rateLimits = DEFAULT_RATE_LIMITS,
  session = DEFAULT_SESSION_POLICY,
  oidc = null,
  trustProxy = false,
  publicUrl,
  retentionDays,
}: AppOptions) {
  // Attempts per delivery as runs show them: the dispatcher's policy (the default without one).
  const delivery = { maxAttempts: dispatcher?.maxAttempts ?? DEFAULT_BACKEND_OPTIONS.retries + 1 };
  // An OpenAPIHono so that mounting /v1 gathers every declared operation under its full path.
  const app = new OpenAPIHono<AuthEnv>();
  // Read once: the stored secret never changes while the server runs (the dispatcher does the same).
  let stored: Promise<string> | undefined;
  const secret = () =>
    webhookSecret
      ? Promise.resolve(webhookSecret)
      : (stored ??= organizationSecret(db).catch((err: unknown) => {
          stored = undefined; // a failed read is tried again next time
          throw err;
        }));

  let storedToken: Promise<string> | undefined;
  const jwtSecret = () =>
    tokenSecret
      ? Promise.resolve(tokenSecret)
      : (storedToken ??= storedTokenSecret(db).catch((err: unknown) => {
          storedToken = undefined;
          throw err;
        }));

  app.use(timeRequests());
  app.use(securityHeaders(trustProxy));
  app.onError((err, c) => {
    if (err instanceof RateLimited) {
      return c.json(errorBody(err.code, err.message), 429, {
        'retry-after': String(err.retryAfterSeconds),
      });
    }
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status);
    // The client went away and its query was cancelled (a search the viewer replaced): nobody
    // reads this answer, and it is no fault of the server's.
    if (c.req.raw.signal.aborted) return c.body(null, 499 as never);
    console.error(err);
    return c.json(errorBody('internal_error', 'The server failed to handle this request'), 500);
  });
  app.notFound((c) =>
    c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404),
  );

  app.use(compressResponses());
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/demo-backend', demoBackendRoutes(db, clock, secret));

  const v1 = apiRoutes();
  // The unread rest of the body would be taken for the next request on a kept-alive
  // connection, so the client is told to open a new one.
  const tooLarge = (c: Context) =>
    c.json(
      errorBody(
        'payload_too_large',
        'The request body is larger than 1 MiB; send less per request',
      ),
      413,
      { connection: 'close' },
    );
  const limitStreamedBody = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  v1.use(async (c, next) => {
    // hono's bodyLimit asks the request for its body stream first, which makes @hono/node-server
    // build a whole Request (and a web stream over the socket) for every request, GETs included;
    // a declared length is checked here as bodyLimit would, and only a streamed body goes to it.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > MAX_BODY_BYTES ? tooLarge(c) : next();
    }
    return limitStreamedBody(c, next);
  });
  // A GET being handled holds the log ingest's next write back a moment (services/read-first.ts);
  // not a stream or a download, which stay open for as long as they are read.
  v1.use(async (c, next) => {
    if (c.req.method !== 'GET' || STREAMED.test(c.req.path)) return next();
    const done = readStarted();
    try {
      await next();
    } finally {
      done();
    }
  });
  // GETs answer with an ETag; a poll whose If-None-Match matches gets 304 and no body.
  v1.use(async (c, next) => (c.req.method === 'GET' ? etag({ weak: true })(c, next) : next()));
  if (dispatcher) {
    v1.use(async (c, next) => {
      await next();
      if (c.req.method !== 'GET') dispatcher.kick();
    });
  }
  let document: ReturnType<typeof openApiDocument> | undefined;
  v1.openapi(routes.apiDocument, (c) => c.json((document ??= openApiDocument(app))));
  v1.openapi(routes.serverInfo, (c) =>
    c.json({
      ok: true,
      seed: serverInfo?.seed ?? 'none',
      demoCredentials: serverInfo?.demoCredentials ?? null,
      sso: oidc ? { name: oidc.settings.name } : null,
    }),
  );
  v1.route(
    '/auth',
    authRoutes({
      db,
      clock,
      secret: jwtSecret,
      limits: rateLimits,
      session,
      oidc,
      trustProxy,
      publicUrl,
    }),
  );
  const bearer = requireAuth(reads, clock, jwtSecret, { publicUrl, trustProxy }, isLogAppend);
  v1.route('/', logDownloadRoutes(db, clock, jwtSecret, bearer));
  v1.use(bearer);
  v1.route('/', ownSessionRoutes(db, clock, trustProxy));
  v1.route('/', userRoutes(db, clock));
  v1.openapi(routes.me, (c) => {
    const { id, email, role } = c.get('actor');
    return c.json({ ok: true, user: { id, email, role } });
  });
  v1.openapi(routes.organizationSecret, async (c) => {
    if (c.get('actor').role !== 'admin') throw forbidden('Only admins may read the webhook secret');
    return c.json({ ok: true, secret: await secret() });
  });
  // Before the run routes: `PATCH /actions/runs/ack` is not `PATCH /actions/runs/{id}`.
  v1.route('/', agentWorkRoutes(db, clock));
  v1.route('/', runControlRoutes(db, clock));
  v1.route('/', deliveryRoutes(db, clock, delivery));
  v1.route('/', logTailRoutes(db));
  v1.route('/workflows', workflowRunRoutes(db, clock, delivery, reads));
  v1.route('/workflows', trendRoutes(db, clock));
  v1.route('/workflows', workflowRoutes(db, clock));
  // /actions/runs… first, so "runs" is never taken for an action identifier.
  v1.route('/actions', actionRunRoutes(db, clock, delivery));
  v1.route('/actions', actionRoutes(db, clock));
  v1.route('/blueprints', blueprintRoutes(db, clock));
  v1.route('/blueprints', entityRoutes(db, clock, retentionDays ?? null));
  v1.route('/entities', entitySearchRoutes(db, clock));
  v1.route('/audit-log', auditRoutes(db, clock, retentionDays ?? null));
  app.route('/v1', v1);

  if (staticDir && existsSync(path.join(staticDir, 'index.html'))) {
    const shell = builtShell(path.join(staticDir, 'index.html'));
    app.use(
      '/*',
      serveStatic({
        root: path.relative(process.cwd(), staticDir) || '.',
        // The build writes .br and .gz beside each asset (scripts/vite-precompress.ts).
        precompressed: true,
        onFound: (file, c) => {
          c.header('Cache-Control', staticCacheControl(c.req.path));
          // A cache in front keeps one copy per encoding, also of the file sent as it is.
          if (PRECOMPRESSED_FILE.test(file.replace(/\.(br|gz)$/, ''))) {
            c.header('Vary', 'Accept-Encoding');
          }
        },
      }),
    );
    // A file of the build that is not there (a page loaded before a deploy asking for a chunk
    // the new build renamed) is a 404, not the SPA shell served as a script.
    app.get(`${ASSETS}*`, (c) => c.notFound());
    // Client-side routes (/runs/…, /workflows/…) all load the SPA shell.
    app.get('*', (c) => {
      if (c.req.path.startsWith('/v1/')) return c.notFound();
      c.header('Cache-Control', SHELL_CACHE_CONTROL);
      return c.html(shell());
    });
  }
  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * The SPA shell (index.html) as the build last wrote it: read again when the file changed, so a
 * `vite build` while the server runs is served at the next load (the old shell names chunks the
 * new build removed, which are 404s). One stat a page load, the text kept between.
 */
function builtShell(file: string) {
  let kept = { mtimeMs: -1, size: -1, text: '' };
  return () => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat && (stat.mtimeMs !== kept.mtimeMs || stat.size !== kept.size)) {
      kept = { mtimeMs: stat.mtimeMs, size: stat.size, text: readFileSync(file, 'utf8') };
    }
    return kept.text;
  };
}

/** Where the build puts the files whose names carry their content's hash. */
const ASSETS = '/assets/';
/** The SPA shell names the current build's assets: a browser asks again each time it loads. */
const SHELL_CACHE_CONTROL = 'no-cache';

/**
 * A hashed asset never changes under its name, so a browser keeps it for a year without asking
 * again; anything else of the build (index.html, favicon) is checked on every load.
 */
export const staticCacheControl = (requestPath: string) =>
  requestPath.startsWith(ASSETS) ? 'public, max-age=31536000, immutable' : SHELL_CACHE_CONTROL;
