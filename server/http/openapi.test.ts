import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app';
import type { Database } from '../db/client';
import { freshDatabase } from '../test/harness';

let database: Database;
let app: App;
let staticDir: string;

beforeAll(async () => {
  database = await freshDatabase();
  // With a built SPA, so its static and shell handlers are registered too and must be told apart.
  staticDir = mkdtempSync(path.join(tmpdir(), 'runboard-spa-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
  app = createApp({ db: database.db, staticDir });
});

afterAll(async () => {
  await database.close();
  rmSync(staticDir, { recursive: true, force: true });
});

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
};

async function document(): Promise<Doc> {
  const res = await app.request('/v1/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

/**
 * `GET /v1/workflows/runs/{wfr}` for every route hono would answer under /v1. Middleware
 * (`use`, method ALL) is no operation; the SPA, /healthz and /demo-backend/* are not the API.
 */
function registeredOperations() {
  const operations = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || !route.path.startsWith('/v1/')) continue;
    operations.add(`${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return operations;
}

const documentedOperations = (doc: Doc) =>
  new Set(
    Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${p}`),
    ),
  );

describe('/v1/openapi.json', () => {
  it('documents every registered API route (method and path)', async () => {
    const registered = registeredOperations();
    expect(registered.size).toBeGreaterThan(30);
    const documented = documentedOperations(await document());
    expect([...registered].filter((op) => !documented.has(op))).toEqual([]);
  });

  it('documents no operation that is not registered', async () => {
    const registered = registeredOperations();
    const documented = documentedOperations(await document());
    expect([...documented].filter((op) => !registered.has(op))).toEqual([]);
  });

  it('gives every operation a JSON success answer and the error envelope', async () => {
    for (const [p, ops] of Object.entries((await document()).paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // 304 (a poll's ETag matched) comes beside a success answer, never instead of one.
        const success = Object.keys(op.responses).filter(
          (status) => /^[23]\d\d$/.test(status) && status !== '304',
        );
        // One success answer, or Port's 200 + 207 multi-status pair (bulk upsert).
        expect(success.length === 1 || success.join() === '200,207', `${method} ${p}`).toBe(true);
        // A redirect (the single sign-on endpoints) has no body; every other success is JSON.
        for (const status of success.filter((s) => !s.startsWith('3'))) {
          expect(op.responses[status]?.content, `${method} ${p} ${status}`).toBeDefined();
        }
        expect(op.responses['4XX']?.content, `${method} ${p}`).toEqual({
          'application/json': {
            schema: expect.objectContaining({ required: ['ok', 'error', 'message'] }),
          },
        });
      }
    }
  });

  it('documents the log-append body by its schema', async () => {
    const doc = (await document()) as unknown as {
      paths: Record<
        string,
        { post: { requestBody: { content: Record<string, { schema: unknown }> } } }
      >;
    };
    const body = doc.paths['/v1/workflows/nodes/runs/{wfnr}/logs']!.post.requestBody;
    expect(body.content['application/json']!.schema).toMatchObject({
      type: 'object',
      required: ['logs'],
      additionalProperties: false,
      properties: {
        logs: {
          type: 'array',
          minItems: 1,
          maxItems: 10000,
          items: {
            required: ['level', 'message'],
            properties: { message: { type: 'string', maxLength: 65536 } },
          },
        },
      },
    });
  });

  it('documents the audit log’s [ext] workflow filter and context fields', async () => {
    const doc = (await document()) as unknown as {
      paths: Record<string, { get: { parameters: { name: string; description?: string }[] } }>;
    };
    const op = doc.paths['/v1/audit-log']!.get;
    expect(op.parameters.find((p) => p.name === 'workflow')?.description).toMatch(/^\[ext\]/);
    const entry = (
      op as unknown as {
        responses: Record<string, { content: Record<string, { schema: any }> }>;
      }
    ).responses['200']!.content['application/json']!.schema.properties.audits.items;
    for (const field of ['workflow', 'workflowTitle']) {
      expect(entry.properties.context.properties[field], field).toMatchObject({
        type: ['string', 'null'],
        description: expect.stringMatching(/^\[ext\]/),
      });
    }
  });
});
