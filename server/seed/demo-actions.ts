import { count } from 'drizzle-orm';
import type {
  ActionBody,
  ActionLogLevel,
  ActionRunStatus,
  RunLink,
  RunSource,
} from '../../contract/actions';
import { actionBodySchema } from '../../contract/actions';
import { auditValues, type AuditInput } from '../db/audit';
import type { Db, Tx } from '../db/client';
import { actionRunLogs, actionRuns, actions, auditLog, blueprints, entities } from '../db/schema';
import { entityChangeMessage } from '../domain/action-runs';
import { randomId16 } from '../domain/ids';
import { DEMO_CATALOG, ENVIRONMENT_BLUEPRINT, SERVICE_BLUEPRINT } from './demo-catalog';
import { Rng } from './demo-content';
import { ADMIN_ID, MEMBER_ID } from './users';

const DAY_MS = 24 * 60 * 60 * 1000;
const INSERT_CHUNK = 2000;

/** The simulator marks the runs it drives with this externalRunId prefix. */
export const SIMULATED_RUN_PREFIX = 'sim-';

const action = (body: unknown): ActionBody => actionBodySchema.parse(body);

export const DEMO_ACTIONS: readonly ActionBody[] = [
  action({
    identifier: 'create_service',
    title: 'Create service',
    icon: 'Microservice',
    description: 'Scaffold a repository, pipeline and catalog entry for a new service',
    blueprint: SERVICE_BLUEPRINT,
    trigger: {
      operation: 'CREATE',
      userInputs: {
        properties: {
          name: { type: 'string', title: 'Name' },
          language: { type: 'string', enum: ['Go', 'TypeScript', 'Python', 'Java'] },
        },
        required: ['name'],
      },
    },
    invocationMethod: { type: 'GITHUB', org: 'runboard-demo', repo: 'scaffolder' },
  }),
  action({
    identifier: 'deploy_service',
    title: 'Deploy service',
    icon: 'Deployment',
    description: 'Roll a version of the service out to an environment',
    blueprint: SERVICE_BLUEPRINT,
    trigger: {
      operation: 'DAY-2',
      userInputs: {
        properties: {
          version: { type: 'string', title: 'Version' },
          environment: { type: 'string', enum: ['production', 'staging'] },
        },
        required: ['version', 'environment'],
      },
    },
    invocationMethod: { type: 'WEBHOOK' },
  }),
  action({
    identifier: 'restart_service',
    title: 'Restart service',
    icon: 'Restart',
    description: 'Rolling restart of every pod of the service',
    blueprint: SERVICE_BLUEPRINT,
    trigger: { operation: 'DAY-2' },
    invocationMethod: { type: 'KAFKA' },
  }),
  action({
    identifier: 'delete_service',
    title: 'Delete service',
    icon: 'Trash',
    description: 'Archive the repository and remove the service from the catalog',
    blueprint: SERVICE_BLUEPRINT,
    trigger: { operation: 'DELETE' },
    allowAnyoneToViewRuns: false,
    invocationMethod: { type: 'GITHUB', org: 'runboard-demo', repo: 'scaffolder' },
  }),
  action({
    identifier: 'scale_environment',
    title: 'Scale environment',
    icon: 'Environment',
    description: 'Change the node count of an environment’s cluster',
    blueprint: ENVIRONMENT_BLUEPRINT,
    trigger: {
      operation: 'DAY-2',
      userInputs: {
        properties: { nodes: { type: 'number', minimum: 1, maximum: 50 } },
        required: ['nodes'],
      },
    },
    requiredApproval: { type: 'ANY' },
    invocationMethod: { type: 'WEBHOOK' },
  }),
];

const NEW_SERVICE_NAMES = [
  'inventory-api',
  'ledger-service',
  'recommendations',
  'email-gateway',
  'pricing-engine',
  'fraud-detector',
];

const STEPS: Record<string, readonly string[]> = {
  create_service: [
    'Creating repository runboard-demo/{name}',
    'Pushing the {language} template (42 files)',
    'Configuring branch protection on main',
    'Creating the CI pipeline',
    'Registering {name} in the catalog',
  ],
  deploy_service: [
    'Resolving image {entity}:{version}',
    'Rendering Helm values for {environment}',
    'Applying manifests to cluster {environment}-eu-west-1',
    'Waiting for rollout: 2/6 pods ready',
    'Waiting for rollout: 6/6 pods ready',
    'Smoke tests passed (14/14)',
  ],
  restart_service: [
    'Cordoning traffic for {entity}',
    'Restarting pods in batches of 2',
    'Batch 1/3 healthy',
    'Batch 2/3 healthy',
    'Batch 3/3 healthy',
  ],
  delete_service: [
    'Archiving repository runboard-demo/{entity}',
    'Removing DNS records',
    'Deleting the CI pipeline',
  ],
  scale_environment: [
    'Requesting {nodes} nodes for {entity}',
    'Node group updated; waiting for nodes to join',
    'All nodes ready',
  ],
};

const WARNINGS = [
  'Slow response from the registry (2.4 s); retrying',
  'Rate limited by GitHub API; backing off 5 s',
  'Readiness probe failed once on pod {pod}; it recovered',
];
const ERRORS = [
  'Rollout stalled: 3 pods in CrashLoopBackOff',
  'GitHub answered 422: repository name already exists',
  'Timed out after 600 s waiting for nodes to join',
];
const LABELS: Record<string, readonly string[]> = {
  create_service: ['Scaffolding', 'Creating pipeline', 'Registering'],
  deploy_service: ['Building', 'Rolling out', 'Verifying'],
  restart_service: ['Restarting', 'Checking health'],
  delete_service: ['Archiving', 'Cleaning up'],
  scale_environment: ['Scaling', 'Waiting for nodes'],
};

export interface ScriptLine {
  level: ActionLogLevel;
  message: string;
  /** A label the backend sets when it reaches this line. */
  label?: string;
}

function fill(template: string, vars: Record<string, string>, rng: Rng) {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name === 'pod' ? `${vars.entity ?? 'svc'}-${rng.hex(5)}` : (vars[name] ?? whole),
  );
}

/** What a backend of this action logs, ending with the lines of a success or a failure. */
export function actionScript(
  actionId: string,
  vars: Record<string, string>,
  succeed: boolean,
  rng: Rng,
): ScriptLine[] {
  const steps = STEPS[actionId] ?? ['Working'];
  const labels = LABELS[actionId] ?? ['Working'];
  const cut = succeed ? steps.length : rng.int(1, steps.length - 1);
  const lines: ScriptLine[] = [];
  steps.slice(0, cut).forEach((step, i) => {
    const label = labels[Math.floor((i * labels.length) / steps.length)];
    lines.push({ level: 'INFO', message: fill(step, vars, rng), ...(label ? { label } : {}) });
    if (rng.chance(0.12))
      lines.push({ level: 'WARN', message: fill(rng.pick(WARNINGS), vars, rng) });
  });
  if (!succeed) lines.push({ level: 'ERROR', message: fill(rng.pick(ERRORS), vars, rng) });
  return lines;
}

export function runLinks(actionId: string, rng: Rng): RunLink {
  const job = `https://github.com/runboard-demo/${actionId.replace('_', '-')}/actions/runs/${rng.int(3_000_000_000, 9_999_999_999)}`;
  if (!rng.chance(0.4)) return job;
  return [job, `https://grafana.runboard.dev/d/deploys?var-run=${rng.hex(8)}`];
}

/** Inputs a person would give this action. */
export function demoInputs(actionId: string, rng: Rng): Record<string, unknown> {
  switch (actionId) {
    case 'create_service':
      return {
        name: rng.pick(NEW_SERVICE_NAMES),
        language: rng.pick(['Go', 'TypeScript', 'Python', 'Java']),
      };
    case 'deploy_service':
      return {
        version: `v1.${rng.int(0, 40)}.${rng.int(0, 9)}`,
        environment: rng.chance(0.6) ? 'production' : 'staging',
      };
    case 'scale_environment':
      return { nodes: rng.int(3, 24) };
    default:
      return {};
  }
}

const SERVICES = DEMO_CATALOG.find((b) => b.identifier === SERVICE_BLUEPRINT)?.entities ?? [];
const ENVIRONMENTS =
  DEMO_CATALOG.find((b) => b.identifier === ENVIRONMENT_BLUEPRINT)?.entities ?? [];

interface EntityState {
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
      payload: {
        action: { identifier: actionId, title: def.title, blueprint: def.blueprint },
        resourceType: 'run',
        status: 'TRIGGERED',
        trigger: { by: { userId: by }, origin: source, at: createdAt.toISOString() },
        context: { entity: target?.identifier ?? null, blueprint: def.blueprint, runId: id },
        payload: { entity: target ? snapshot(target, ADMIN_ID) : null, properties: inputs },
      },
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
