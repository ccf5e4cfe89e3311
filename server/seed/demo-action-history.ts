import type { ActionLogLevel, ActionRunStatus, RunSource } from '../../contract/actions';
import type { AuditInput } from '../db/audit';
import type { actionRunLogs, actionRuns } from '../db/schema';
import { actionRunPayload, entityChangeMessage } from '../domain/action-runs';
import { randomId16 } from '../domain/ids';
import {
  actionScript,
  DEMO_ACTIONS,
  demoInputs,
  NEW_SERVICE_NAMES,
  runLinks,
} from './demo-action-content';
import { DEMO_CATALOG, ENVIRONMENT_BLUEPRINT, SERVICE_BLUEPRINT } from './demo-catalog';
import { Rng } from './demo-content';
import { ADMIN_EMAIL, ADMIN_ID, MEMBER_EMAIL, MEMBER_ID } from './users';

const DAY_MS = 24 * 60 * 60 * 1000;

const SERVICES = DEMO_CATALOG.find((b) => b.identifier === SERVICE_BLUEPRINT)?.entities ?? [];
const ENVIRONMENTS =
  DEMO_CATALOG.find((b) => b.identifier === ENVIRONMENT_BLUEPRINT)?.entities ?? [];

export interface EntityState {
  blueprint: string;
  identifier: string;
  title: string;
  properties: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

const snapshot = (e: EntityState, createdBy: string) => ({
  identifier: e.identifier,
  title: e.title,
  icon: null,
  blueprint: e.blueprint,
  properties: e.properties,
  relations: {},
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
  createdBy,
  updatedBy: e.updatedBy,
});

/** ~30 days of demo action runs, built in memory, ready to insert. */
export interface ActionHistory {
  start: Date;
  /** The entities as they stand after the history, keyed `blueprint/identifier`. */
  state: Map<string, EntityState>;
  runRows: (typeof actionRuns.$inferInsert)[];
  logRows: (typeof actionRunLogs.$inferInsert)[];
  audits: AuditInput[];
}

/**
 * Builds the history in time order, so each audit entry's before/after is what the entity was
 * then; run payloads come from the same builder the API uses.
 */
export function buildActionHistory(options: {
  now: Date;
  runs?: number;
  seed?: number;
}): ActionHistory {
  const rng = new Rng(options.seed ?? 4_2026);
  const start = new Date(options.now.getTime() - 31 * DAY_MS);
  const state = new Map<string, EntityState>();
  const key = (bp: string, id: string) => `${bp}/${id}`;
  const audits: AuditInput[] = [];
  for (const bp of DEMO_CATALOG) {
    for (const e of bp.entities) {
      const entity: EntityState = {
        blueprint: bp.identifier,
        identifier: e.identifier,
        title: e.title,
        properties: e.properties,
        createdAt: start,
        updatedAt: start,
        updatedBy: ADMIN_ID,
      };
      state.set(key(bp.identifier, e.identifier), entity);
      audits.push({
        action: 'CREATE',
        resourceType: 'entity',
        userId: ADMIN_ID,
        origin: 'UI',
        at: start,
        blueprintIdentifier: bp.identifier,
        entityIdentifier: e.identifier,
        runId: null,
        before: null,
        after: snapshot(entity, ADMIN_ID),
      });
    }
  }

  const runRows: (typeof actionRuns.$inferInsert)[] = [];
  const logRows: (typeof actionRunLogs.$inferInsert)[] = [];
  const total = options.runs ?? 320;
  const times = Array.from(
    { length: total },
    () => options.now.getTime() - 60_000 - rng.next() * 30 * DAY_MS,
  ).sort((a, b) => a - b);
  const weights: [string, number][] = [
    ['deploy_service', 0.55],
    ['restart_service', 0.2],
    ['scale_environment', 0.1],
    ['create_service', 0.1],
    ['delete_service', 0.05],
  ];
  const pickAction = () => {
    let roll = rng.next();
    for (const [id, w] of weights) {
      if ((roll -= w) < 0) return id;
    }
    return 'deploy_service';
  };
  const actionById = new Map(DEMO_ACTIONS.map((a) => [a.identifier, a]));

  for (const t of times) {
    const actionId = pickAction();
    const def = actionById.get(actionId)!;
    const createdAt = new Date(t);
    const inputs = demoInputs(actionId, rng);
    let target: EntityState | undefined;
    if (actionId === 'scale_environment') {
      target = state.get(key(ENVIRONMENT_BLUEPRINT, rng.pick(ENVIRONMENTS).identifier));
    } else if (actionId === 'delete_service') {
      // Only services this demo created are ever deleted, so the catalog's services stay.
      const created = [...state.values()].filter((e) => NEW_SERVICE_NAMES.includes(e.identifier));
      if (created.length === 0) continue;
      target = rng.pick(created);
    } else if (actionId !== 'create_service') {
      target = state.get(key(SERVICE_BLUEPRINT, rng.pick(SERVICES).identifier));
    }
    const id = `r_${randomId16()}`;
    const by = rng.chance(0.6) ? MEMBER_ID : ADMIN_ID;
    const source: RunSource = rng.chance(0.7) ? 'UI' : rng.chance(0.5) ? 'API' : 'AUTOMATION';
    const declined = def.requiredApproval !== false && rng.chance(0.15);
    // Creating a service whose name is taken fails, as the real scaffolder would.
    const taken =
      actionId === 'create_service' && state.has(key(SERVICE_BLUEPRINT, String(inputs.name)));
    const succeed = !declined && !taken && rng.chance(0.85);
    const status: ActionRunStatus = declined ? 'DECLINED' : succeed ? 'SUCCESS' : 'FAILURE';
    const vars = {
      entity: target?.identifier ?? String(inputs.name ?? ''),
      name: String(inputs.name ?? ''),
      language: String(inputs.language ?? ''),
      version: String(inputs.version ?? ''),
      environment: String(inputs.environment ?? ''),
      nodes: String(inputs.nodes ?? ''),
    };
    const script = declined ? [] : actionScript(actionId, vars, succeed, rng);
    const lines: { level: ActionLogLevel; message: string; at: Date }[] = [];
    const startedAt = new Date(t + (def.requiredApproval !== false ? rng.int(60, 3600) * 1000 : 0));
    let clock = startedAt.getTime();
    let label: string | null = null;
    const visibility = { allowAnyoneToView: def.allowAnyoneToViewRuns, createdBy: by };
    let entityIdentifier = target?.identifier ?? null;
    let entityTitle = target?.title ?? null;
    for (const [i, line] of script.entries()) {
      clock += rng.int(2, 90) * 1000;
      lines.push({ level: line.level, message: line.message, at: new Date(clock) });
      if (line.label) label = line.label;
      const midway = i === Math.floor(script.length / 2);
      if (!succeed || !midway) continue;
      // The backend changes the entity partway through, tied to the run (`?run_id=`).
      const at = new Date(clock);
      const change = entityChange(actionId, target, inputs, at, by);
      if (!change) continue;
      if (change.action === 'CREATE') {
        entityIdentifier = change.entity.identifier;
        entityTitle = change.entity.title;
      }
      const before = change.before;
      if (change.action === 'DELETE')
        state.delete(key(change.entity.blueprint, change.entity.identifier));
      else state.set(key(change.entity.blueprint, change.entity.identifier), change.entity);
      audits.push({
        action: change.action,
        resourceType: 'entity',
        userId: by,
        origin: source,
        at,
        blueprintIdentifier: change.entity.blueprint,
        entityIdentifier: change.entity.identifier,
        runId: id,
        // As services/entities.ts records a change tied to an action run: with its action.
        actionIdentifier: actionId,
        before,
        after: change.action === 'DELETE' ? null : snapshot(change.entity, ADMIN_ID),
        run: visibility,
      });
      clock += 1000;
      lines.push({
        level: 'INFO',
        message: entityChangeMessage(
          change.action,
          change.entity.blueprint,
          change.entity.identifier,
        ),
        at: new Date(clock),
      });
    }
    const endedAt = declined ? startedAt : new Date(clock + rng.int(1, 20) * 1000);
    lines.forEach((line, i) =>
      logRows.push({
        runId: id,
        seq: i + 1,
        level: line.level,
        message: line.message,
        createdBy: by,
        createdAt: line.at,
      }),
    );
    const runAudit = (
      action: 'CREATE' | 'UPDATE',
      at: Date,
      before: Record<string, unknown> | null,
      after: Record<string, unknown>,
    ) =>
      audits.push({
        action,
        resourceType: 'run',
        userId: by,
        origin: source,
        at,
        blueprintIdentifier: def.blueprint,
        entityIdentifier: target?.identifier ?? null,
        runId: id,
        actionIdentifier: actionId,
        before,
        after,
        run: visibility,
      });
    const initial = def.requiredApproval !== false ? 'WAITING_FOR_APPROVAL' : 'IN_PROGRESS';
    runAudit('CREATE', createdAt, null, { status: initial, properties: inputs });
    runAudit('UPDATE', endedAt, { status: initial }, { status });
    runRows.push({
      id,
      actionIdentifier: actionId,
      actionTitle: def.title,
      actionIcon: def.icon ?? null,
      blueprintIdentifier: def.blueprint,
      blueprintTitle: DEMO_CATALOG.find((b) => b.identifier === def.blueprint)?.title ?? null,
      blueprintIcon: DEMO_CATALOG.find((b) => b.identifier === def.blueprint)?.icon ?? null,
      entityIdentifier,
      entityTitle,
      status,
      statusLabel: declined ? null : succeed ? 'Done' : (label ?? 'Failed'),
      link: declined ? null : runLinks(actionId, rng),
      summary: succeed ? `${def.title} finished in ${Math.round((clock - t) / 1000)} s` : null,
      source,
      properties: inputs,
      payload: actionRunPayload({
        runId: id,
        action: { identifier: actionId, title: def.title, blueprint: def.blueprint },
        startedBy: { id: by, email: by === ADMIN_ID ? ADMIN_EMAIL : MEMBER_EMAIL },
        origin: source,
        at: createdAt,
        entityIdentifier: target?.identifier ?? null,
        entity: target ? snapshot(target, ADMIN_ID) : null,
        properties: inputs,
      }),
      externalRunId: rng.chance(0.3) ? `gh-${rng.int(10_000_000, 99_999_999)}` : null,
      requiredApproval: def.requiredApproval,
      approvals:
        def.requiredApproval !== false
          ? {
              [ADMIN_ID]: {
                state: declined ? 'DECLINED' : 'APPROVED',
                description: declined ? 'Not during the freeze' : null,
                at: startedAt.toISOString(),
              },
            }
          : {},
      allowAnyoneToView: def.allowAnyoneToViewRuns,
      logSeq: lines.length,
      warnCount: lines.filter((l) => l.level === 'WARN').length,
      errorCount: lines.filter((l) => l.level === 'ERROR').length,
      createdBy: by,
      updatedBy: by,
      createdAt,
      updatedAt: endedAt,
      endedAt,
    });
  }

  return { start, state, runRows, logRows, audits };
}

function entityChange(
  actionId: string,
  target: EntityState | undefined,
  inputs: Record<string, unknown>,
  at: Date,
  by: string,
): {
  action: 'CREATE' | 'UPDATE' | 'DELETE';
  entity: EntityState;
  before: Record<string, unknown> | null;
} | null {
  if (actionId === 'create_service') {
    const identifier = String(inputs.name);
    return {
      action: 'CREATE',
      before: null,
      entity: {
        blueprint: SERVICE_BLUEPRINT,
        identifier,
        title: identifier,
        properties: { language: inputs.language, tier: 'medium', owner: 'team-platform' },
        createdAt: at,
        updatedAt: at,
        updatedBy: by,
      },
    };
  }
  if (!target) return null;
  const before = snapshot(target, ADMIN_ID);
  if (actionId === 'delete_service') return { action: 'DELETE', before, entity: target };
  if (actionId === 'deploy_service') {
    return {
      action: 'UPDATE',
      before,
      entity: {
        ...target,
        properties: { ...target.properties, version: inputs.version },
        updatedAt: at,
        updatedBy: by,
      },
    };
  }
  if (actionId === 'scale_environment') {
    return {
      action: 'UPDATE',
      before,
      entity: {
        ...target,
        properties: { ...target.properties, nodes: inputs.nodes },
        updatedAt: at,
        updatedBy: by,
      },
    };
  }
  return null;
}
