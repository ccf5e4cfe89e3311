import { count } from 'drizzle-orm';
import { auditValues } from '../db/audit';
import type { Db, Tx } from '../db/client';
import { actionRunLogs, actionRuns, actions, auditLog, blueprints, entities } from '../db/schema';
import { DEMO_ACTIONS } from './demo-action-content';
import { buildActionHistory, type EntityState } from './demo-action-history';
import { DEMO_CATALOG } from './demo-catalog';
import { ADMIN_ID } from './users';

const INSERT_CHUNK = 2000;

/** The simulator marks the runs it drives with this externalRunId prefix. */
export const SIMULATED_RUN_PREFIX = 'sim-';

export interface DemoActionsResult {
  seeded: boolean;
  actions: number;
  runs: number;
  logLines: number;
  audits: number;
}

/**
 * Seeds the demo blueprints and entities, the demo actions and ~30 days of their runs, unless an
 * action exists already. Built in memory in time order (so each audit entry's before/after is
 * what the entity was then) and written in one transaction.
 */
export async function seedDemoActions(
  db: Db,
  options: { now: Date; runs?: number; seed?: number },
): Promise<DemoActionsResult> {
  const [existing] = await db.select({ n: count() }).from(actions);
  if (existing && existing.n > 0) {
    return { seeded: false, actions: existing.n, runs: 0, logLines: 0, audits: 0 };
  }
  const { start, state, runRows, logRows, audits } = buildActionHistory(options);
  await db.transaction(async (tx) => {
    await insertCatalog(tx, state, start);
    for (const def of DEMO_ACTIONS) {
      await tx.insert(actions).values({
        ...def,
        icon: def.icon ?? null,
        description: def.description ?? null,
        createdBy: ADMIN_ID,
        updatedBy: ADMIN_ID,
        createdAt: start,
        updatedAt: start,
      });
    }
    for (let i = 0; i < runRows.length; i += INSERT_CHUNK) {
      await tx.insert(actionRuns).values(runRows.slice(i, i + INSERT_CHUNK));
    }
    for (let i = 0; i < logRows.length; i += INSERT_CHUNK) {
      await tx.insert(actionRunLogs).values(logRows.slice(i, i + INSERT_CHUNK));
    }
    const auditRows = audits.sort((a, b) => a.at.getTime() - b.at.getTime()).map(auditValues);
    for (let i = 0; i < auditRows.length; i += INSERT_CHUNK) {
      await tx.insert(auditLog).values(auditRows.slice(i, i + INSERT_CHUNK));
    }
  });
  return {
    seeded: true,
    actions: DEMO_ACTIONS.length,
    runs: runRows.length,
    logLines: logRows.length,
    audits: audits.length,
  };
}

/** Blueprints, and the entities as they stand after the seeded history. */
async function insertCatalog(tx: Tx, state: Map<string, EntityState>, start: Date) {
  for (const bp of DEMO_CATALOG) {
    const props = new Set(bp.entities.flatMap((e) => Object.keys(e.properties)));
    await tx
      .insert(blueprints)
      .values({
        identifier: bp.identifier,
        title: bp.title,
        icon: bp.icon,
        description: null,
        schema: {
          properties: Object.fromEntries([...props].map((p) => [p, { title: p }])),
        },
        createdBy: ADMIN_ID,
        updatedBy: ADMIN_ID,
        createdAt: start,
        updatedAt: start,
      })
      .onConflictDoNothing();
  }
  const rows = [...state.values()].map((e) => ({
    blueprint: e.blueprint,
    identifier: e.identifier,
    title: e.title,
    icon: null,
    properties: e.properties,
    relations: {},
    createdBy: ADMIN_ID,
    updatedBy: e.updatedBy,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  }));
  if (rows.length) await tx.insert(entities).values(rows).onConflictDoNothing();
}
