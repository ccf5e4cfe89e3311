import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  nodeRunLogsPostSchema,
  nodeRunPatchSchema,
  startRunBodySchema,
} from '../../contract/workflows';
import { ApiError } from '../domain/errors';
import { postNodeRunLogs } from '../routes/workflow-runs.routes';
import { startTestServer, type TestServer } from '../test/harness';
import { apiRoutes, defineRoute, jsonBody, ok } from './openapi';
import { describeIssues, outputDepth } from './validate';

/**
 * Request schemas are parsed synchronously (openapi.ts parsedSynchronously): zod's compiled
 * object parser instead of the generic loop its async parse takes. The answers must not change.
 */
describe('request schemas parsed synchronously', () => {
  const line = { level: 'INFO', message: 'hello' };
  const bodies: unknown[] = [
    { logs: [line, { ...line, level: 'WARN' }] },
    { logs: [] },
    { logs: [{ message: 'no level' }] },
    { logs: [{ level: 'LOUD', message: 'x' }] },
    { logs: [line, { ...line, extra: 1 }, { level: 'INFO' }] },
    { logs: [{ level: 'INFO', message: 'x'.repeat(65537) }] },
    { logs: 'not an array' },
    { logs: [line], more: true },
    { logs: [null, 3, 'x'] },
    null,
    [],
  ];

  it('is what a route declaration does to its body schema', () => {
    expect(postNodeRunLogs.request.body.content['application/json'].schema).toBe(
      nodeRunLogsPostSchema,
    );
    expect(Object.hasOwn(nodeRunLogsPostSchema, 'safeParseAsync')).toBe(true);
  });

  it('answers as zod’s async parse does: the same data, the same issues, worded the same', async () => {
    for (const schema of [nodeRunLogsPostSchema, nodeRunPatchSchema]) {
      for (const body of [...bodies, { status: 'COMPLETED' }, { result: 'SUCCESS', logs: [] }]) {
        // z.safeParseAsync is zod's own async parse, not the instance's method replaced here.
        const expected = await z.safeParseAsync(schema, body);
        const got = await schema.safeParseAsync(body);
        expect(got.success, JSON.stringify(body)).toBe(expected.success);
        if (expected.success) expect(got.data).toEqual(expected.data);
        else {
          expect(describeIssues('body', got.error!)).toBe(describeIssues('body', expected.error));
          expect(got.error!.issues).toEqual(expected.error.issues);
        }
      }
    }
  });

  it('falls back to the async parse for a schema with an async refinement', async () => {
    const taken = new Set(['alice']);
    const body = z.strictObject({
      name: z
        .string()
        .min(1)
        .refine(async (name) => {
          await new Promise((r) => setTimeout(r, 1));
          return !taken.has(name);
        }, 'is taken'),
    });
    const route = defineRoute({
      method: 'post',
      path: '/names',
      request: { body: jsonBody(body) },
      responses: { 200: ok('Added') },
    });
    const app = apiRoutes().openapi(route, (c) =>
      c.json({ ok: true as const, ...c.req.valid('json') }),
    );
    app.onError((err, c) =>
      err instanceof ApiError
        ? c.json({ ok: false, error: err.code, message: err.message }, err.status)
        : c.json({ ok: false, error: 'internal_error', message: String(err) }, 500),
    );
    const post = (json: unknown) =>
      app.request('/names', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });

    const added = await post({ name: 'bob' });
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual({ ok: true, name: 'bob' });

    const refused = await post({ name: 'alice' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({
      ok: false,
      error: 'invalid_request',
      message: 'body.name: is taken',
    });

    const empty = await post({ name: '' });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { message: string }).message).toMatch(/^body\.name: /);
  });
});

/**
 * A body parsed into a schema whose output nests less than MAX_JSON_DEPTH, from a JSON text
 * without a `\u0000` escape, is not walked again for unstorable values (validationHook).
 */
describe('the storability walk skipped for shallow bodies', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('reads how deep a schema’s output nests from its definition', () => {
    expect(outputDepth(nodeRunLogsPostSchema)).toBe(3);
    expect(outputDepth(z.strictObject({ a: z.string().default(''), b: z.enum(['x']) }))).toBe(1);
    expect(outputDepth(z.object({ t: z.record(z.string(), z.string()).optional() }))).toBe(2);
    expect(outputDepth(z.array(z.union([z.string(), z.array(z.number())])))).toBe(2);
    // Any JSON value, a transform's output: unknown, so walked as before.
    expect(outputDepth(startRunBodySchema)).toBe(Infinity);
    expect(outputDepth(nodeRunPatchSchema)).toBe(Infinity);
    expect(outputDepth(z.object({ n: z.string().transform((s) => s.length) }))).toBe(Infinity);
    expect(outputDepth(z.unknown())).toBe(Infinity);
    // Whatever code can put into the output: rewritten record keys, an object's overwrite, an
    // object default (zod's getter would evaluate a function default once, here).
    expect(
      outputDepth(
        z.record(
          z.string().transform((k) => `${k}\u0000`),
          z.string(),
        ),
      ),
    ).toBe(Infinity);
    expect(outputDepth(z.object({ a: z.string() }).overwrite((v) => ({ a: `${v.a}\u0000` })))).toBe(
      Infinity,
    );
    expect(outputDepth(z.object({ a: z.array(z.string()).default([]) }))).toBe(Infinity);
    // A string's own overwrites (trim, case) keep it text from the request.
    expect(outputDepth(z.object({ a: z.string().trim().toLowerCase() }))).toBe(1);
  });

  it('still refuses U+0000 in a log append, and takes the text "\\u0000" as text', async () => {
    const run = await t.api('admin', 'POST', '/workflows', {
      identifier: 'nul',
      title: 'NUL',
      nodes: [
        { identifier: 'trigger', title: 'Trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
        { identifier: 'work', title: 'Work', config: { type: 'KAFKA' } },
      ],
      connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'work' }],
    });
    expect(run.status).toBe(201);
    const started = await t.api('admin', 'POST', '/workflows/nul/runs', { inputs: {} });
    expect(started.status).toBe(201);
    const work = (
      started.body as {
        workflowRun: { nodeRuns: { nodeIdentifier: string; identifier: string }[] };
      }
    ).workflowRun.nodeRuns.find((n) => n.nodeIdentifier === 'work')!.identifier;
    const path = `/workflows/nodes/runs/${work}/logs`;

    const nul = await t.api('admin', 'POST', path, {
      logs: [
        { level: 'INFO', message: 'fine' },
        { level: 'INFO', message: 'a\u0000b' },
      ],
    });
    expect(nul.status).toBe(422);
    expect(nul.body).toEqual({
      ok: false,
      error: 'invalid_request',
      message:
        'body.logs.1.message: must not contain the character U+0000 (NUL), which cannot be stored',
    });

    // A backslash, then "u0000": six characters of text, stored as they are.
    const text = await t.api('admin', 'POST', path, {
      logs: [{ level: 'INFO', message: 'escaped \\u0000 is text' }],
    });
    expect(text.status).toBe(201);
    const page = await t.api('admin', 'GET', path);
    expect((page.body as { logs: { log: string }[] }).logs.map((l) => l.log)).toEqual([
      'escaped \\u0000 is text',
    ]);
  });
});
