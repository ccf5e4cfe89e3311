import { Hono } from 'hono';
import { z } from 'zod';
import { identifierSchema } from '../../contract/common';
import {
  startRunBodySchema,
  workflowBodySchema,
  workflowReplaceBodySchema,
} from '../../contract/workflows';
import type { Db } from '../db/client';
import { startWorkflowRun } from '../db/workflow-runs';
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflowRow,
  getWorkflowVersion,
  listWorkflows,
  replaceWorkflow,
  workflowStats,
} from '../db/workflows';
import { toWorkflow, toWorkflowVersion } from '../db/serialize';
import { forbidden, invalid, notFound } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import type { AuthEnv } from '../http/auth';
import { readBody, readParam } from '../http/validate';

function requireAdmin(actor: Actor, what: string) {
  if (actor.role !== 'admin')
    throw forbidden(`Only admins may ${what}; you are signed in as ${actor.role}`);
}

export function workflowRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .get('/', async (c) => {
      const [workflows, stats] = await Promise.all([
        listWorkflows(db),
        workflowStats(db, c.get('actor')),
      ]);
      return c.json({
        ok: true,
        workflows: workflows.map((w) => ({
          ...w,
          stats: stats.get(w.identifier) ?? { lastRun: null, inProgress: 0, total: 0 },
        })),
      });
    })
    .post('/', async (c) => {
      requireAdmin(c.get('actor'), 'create workflows');
      const body = await readBody(c, workflowBodySchema);
      if (body.identifier === 'runs') {
        throw invalid('body.identifier "runs" is reserved: GET /v1/workflows/runs lists runs');
      }
      const workflow = await createWorkflow(db, body, c.get('actor'), clock());
      return c.json({ ok: true, workflow }, 201);
    })
    .get('/:workflowId', async (c) => {
      const id = readParam(c, 'workflowId', identifierSchema);
      return c.json({ ok: true, workflow: toWorkflow(await getWorkflowRow(db, id)) });
    })
    .get('/:workflowId/versions/:version', async (c) => {
      // [ext] The graph a version had (kept after replace and delete), for drawing its runs.
      const id = readParam(c, 'workflowId', identifierSchema);
      const version = readParam(c, 'version', z.coerce.number().int().positive());
      const row = await getWorkflowVersion(db, id, version);
      if (!row) throw notFound(`Version ${version} of workflow "${id}"`);
      return c.json({ ok: true, workflowVersion: toWorkflowVersion(row) });
    })
    .put('/:workflowId', async (c) => {
      requireAdmin(c.get('actor'), 'change workflows');
      const id = readParam(c, 'workflowId', identifierSchema);
      const { identifier, ...body } = await readBody(c, workflowReplaceBodySchema);
      if (identifier !== undefined && identifier !== id) {
        throw invalid(`body.identifier "${identifier}" does not match the path's "${id}"`);
      }
      const workflow = await replaceWorkflow(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflow });
    })
    .delete('/:workflowId', async (c) => {
      requireAdmin(c.get('actor'), 'delete workflows');
      const id = readParam(c, 'workflowId', identifierSchema);
      return c.json({ ok: true, workflow: await deleteWorkflow(db, id) });
    })
    .post('/:workflowId/runs', async (c) => {
      const id = readParam(c, 'workflowId', identifierSchema);
      const body = await readBody(c, startRunBodySchema);
      const workflowRun = await startWorkflowRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflowRun }, 201);
    });
}
