import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray, isNull, like, or } from 'drizzle-orm';
import type { ActionRunStatus } from '../../contract/actions';
import type { Db } from '../db/client';
import { actionRuns, actions, entities } from '../db/schema';
import { ApiError } from '../domain/errors';
import { randomId16 } from '../domain/ids';
import type { Actor } from '../domain/permissions';
import {
  actionScript,
  DEMO_ACTIONS,
  demoInputs,
  runLinks,
  type ScriptLine,
} from '../seed/demo-action-content';
import { SIMULATED_RUN_PREFIX } from '../seed/demo-actions';
import { DEMO_SERVICES } from '../seed/demo-catalog';
import { Rng } from '../seed/demo-content';
import { ADMIN_ID, MEMBER_ID, SIMULATOR_ID, ensureSimulatorUser } from '../seed/users';
import { decideActionRunApproval } from '../services/action-run-approvals';
import { patchActionRun, postActionRunLog, startActionRun } from '../services/action-runs';
import { createEntity, deleteEntity, patchEntity } from '../services/entities';
import { startTicker } from './ticker';

export const MIN_ACTIVE = 1;
export const MAX_ACTIVE = 3;

const machine: Actor = { id: SIMULATOR_ID, email: 'simulator@runboard.dev', role: 'machine' };
const admin: Actor = { id: ADMIN_ID, email: 'admin@runboard.dev', role: 'admin' };
const member: Actor = { id: MEMBER_ID, email: 'member@runboard.dev', role: 'member' };

const START_WEIGHTS: [string, number][] = [
  ['deploy_service', 5],
  ['restart_service', 2],
  ['scale_environment', 1],
  ['create_service', 1],
  ['delete_service', 1],
];
/** The demo's actions whose only backend is this simulator. */
const PLAYED = START_WEIGHTS.map(([id]) => id);
/** How the demo seeds each of them: no url, no agent, a made-up GitHub org. */
const DEMO_METHODS = new Map<string, unknown>(
  DEMO_ACTIONS.map((a) => [a.identifier, a.invocationMethod]),
);
/**
 * An action is the simulator's to play (its own runs, and runs started by hand) only while it is
 * still the demo's: an action of that name that someone set up with a backend of their own (a
 * webhook, an agent, any other invocation) is that backend's, and the simulator must not start
 * or report on its runs.
 */
const playedHere = (action: string, invocationMethod: unknown) =>
  DEMO_METHODS.has(action) && isDeepStrictEqual(DEMO_METHODS.get(action), invocationMethod);
/** The externalRunId prefix of a run started by hand that the simulator took: played to success. */
const ADOPTED_RUN_PREFIX = `${SIMULATED_RUN_PREFIX}hand-`;

interface Plan {
  lines: ScriptLine[];
  next: number;
  succeed: boolean;
  /** Index of the line after which the backend changes the entity (tied to the run). */
  changeAt: number;
  waited: number;
}

interface ActiveRun {
  id: string;
  actionIdentifier: string;
  status: ActionRunStatus;
  blueprintIdentifier: string | null;
  entityIdentifier: string | null;
  properties: unknown;
  externalRunId: string | null;
  /** The action's invocation method now (null when the action is gone). */
  invocationMethod: unknown;
}

const isExpected = (err: unknown) =>
  err instanceof ApiError &&
  ['run_exhausted', 'not_found', 'conflict', 'invalid_request'].includes(err.code);

/**
 * One step of the action-run simulator, as a backend reflecting progress through Port's API
 * would: start runs until `target` are active, approve the ones waiting, and per tick add a log
 * line, update the label, change the entity tied to the run, and finally end it.
 */
export class ActionRunSimulation {
  private readonly plans = new Map<string, Plan>();
  private target: number;

  /**
   * With `adoptHandRuns`, the demo's action runs started by hand are played too (see playedHere);
   * a server that did not seed the demo leaves every run it did not start to its backend.
   */
  constructor(
    private readonly db: Db,
    private readonly rng: Rng,
    private readonly options: { adoptHandRuns: boolean } = { adoptHandRuns: false },
  ) {
    this.target = rng.int(MIN_ACTIVE, MAX_ACTIVE);
  }

  async tick(now: Date) {
    const active = await this.activeRuns();
    if (active.length < this.target) await this.startOne(now);
    for (const run of active) {
      try {
        if (run.externalRunId === null) {
          if (
            !this.options.adoptHandRuns ||
            !playedHere(run.actionIdentifier, run.invocationMethod)
          )
            continue;
          await this.adopt(run, now);
        }
        await this.advance(run, now);
      } catch (err) {
        if (!isExpected(err)) throw err;
        // Someone else ended or changed it (a person in the dashboard, a test): let it go.
        this.plans.delete(run.id);
      }
    }
  }

  private activeRuns(): Promise<ActiveRun[]> {
    return this.db
      .select({
        id: actionRuns.id,
        actionIdentifier: actionRuns.actionIdentifier,
        status: actionRuns.status,
        blueprintIdentifier: actionRuns.blueprintIdentifier,
        entityIdentifier: actionRuns.entityIdentifier,
        properties: actionRuns.properties,
        externalRunId: actionRuns.externalRunId,
        invocationMethod: actions.invocationMethod,
      })
      .from(actionRuns)
      .leftJoin(actions, eq(actions.identifier, actionRuns.actionIdentifier))
      .where(
        or(
          and(
            like(actionRuns.externalRunId, `${SIMULATED_RUN_PREFIX}%`),
            inArray(actionRuns.status, ['IN_PROGRESS', 'WAITING_FOR_APPROVAL']),
          ),
          // Started by hand (the dashboard's "Run action", an API client) and running: the
          // simulator's own runs get their externalRunId in the tick that starts them. A run
          // waiting for approval is left to the person who approves it.
          and(
            isNull(actionRuns.externalRunId),
            eq(actionRuns.status, 'IN_PROGRESS'),
            inArray(actionRuns.actionIdentifier, PLAYED),
          ),
        ),
      );
  }

  /** Takes a run started by hand as its backend would: its job id, and a plan to succeed. */
  private async adopt(run: ActiveRun, now: Date) {
    const externalRunId = `${ADOPTED_RUN_PREFIX}${randomId16().slice(0, 8)}`;
    await patchActionRun(this.db, run.id, { externalRunId }, machine, now, 'v1');
    run.externalRunId = externalRunId;
  }

  private pickAction(available: Set<string>) {
    const weighted = START_WEIGHTS.filter(([id]) => available.has(id));
    let roll = this.rng.next() * weighted.reduce((sum, [, w]) => sum + w, 0);
    for (const [id, w] of weighted) {
      if ((roll -= w) < 0) return id;
    }
    return weighted[0]?.[0] ?? null;
  }

  private async startOne(now: Date) {
    const defs = (
      await this.db
        .select({
          identifier: actions.identifier,
          blueprint: actions.blueprint,
          invocationMethod: actions.invocationMethod,
        })
        .from(actions)
    ).filter((d) => playedHere(d.identifier, d.invocationMethod));
    const actionId = this.pickAction(new Set(defs.map((d) => d.identifier)));
    const def = defs.find((d) => d.identifier === actionId);
    if (!actionId || !def?.blueprint) return;
    const existing = await this.db
      .select({ identifier: entities.identifier })
      .from(entities)
      .where(eq(entities.blueprint, def.blueprint));
    const ids = existing.map((e) => e.identifier);
    const properties = demoInputs(actionId, this.rng);
    let entity: string | undefined;
    if (actionId === 'create_service') {
      // A taken name gets a suffix, so the demo's CREATE runs can succeed.
      if (ids.includes(String(properties.name))) {
        properties.name = `${String(properties.name)}-${randomId16().slice(0, 4).toLowerCase()}`;
      }
    } else if (actionId === 'delete_service') {
      // Only services the demo's CREATE runs made are deleted; the catalog's services stay.
      const deletable = ids.filter((id) => !DEMO_SERVICES.includes(id));
      if (deletable.length === 0) return;
      entity = this.rng.pick(deletable);
    } else {
      if (ids.length === 0) return;
      entity = this.rng.pick(ids);
    }
    const starter = this.rng.chance(0.6) ? member : admin;
    const run = await startActionRun(
      this.db,
      actionId,
      { properties, ...(entity ? { entity } : {}) },
      { actor: starter, now, source: this.rng.chance(0.7) ? 'UI' : 'AUTOMATION' },
    );
    await patchActionRun(
      this.db,
      run.id,
      { externalRunId: `${SIMULATED_RUN_PREFIX}${randomId16().slice(0, 8)}` },
      machine,
      now,
      'v1',
    );
  }

  /**
   * A run started by hand succeeds, as a demo workflow's does, so a newcomer's first one ends
   * (told by its externalRunId, so also when another process adopted it before a restart).
   */
  private planFor(run: ActiveRun): Plan {
    let plan = this.plans.get(run.id);
    if (!plan) {
      const props = (run.properties ?? {}) as Record<string, unknown>;
      const byHand = run.externalRunId?.startsWith(ADOPTED_RUN_PREFIX) ?? false;
      const succeed = byHand || this.rng.chance(0.8);
      const vars = Object.fromEntries(
        Object.entries({ ...props, entity: run.entityIdentifier ?? props.name }).map(([k, v]) => [
          k,
          String(v ?? ''),
        ]),
      );
      const lines = actionScript(run.actionIdentifier, vars, succeed, this.rng);
      plan = { lines, next: 0, succeed, changeAt: Math.floor(lines.length / 2), waited: 0 };
      this.plans.set(run.id, plan);
    }
    return plan;
  }

  private async advance(run: ActiveRun, now: Date) {
    const plan = this.planFor(run);
    if (run.status === 'WAITING_FOR_APPROVAL') {
      if (++plan.waited < 3) return;
      const decline = this.rng.chance(0.15);
      await decideActionRunApproval(
        this.db,
        run.id,
        decline
          ? { status: 'DECLINE', description: 'Not during the change freeze' }
          : { status: 'APPROVE' },
        admin,
        now,
        'v1',
      );
      if (decline) this.plans.delete(run.id);
      return;
    }
    const line = plan.lines[plan.next];
    if (line) {
      await postActionRunLog(
        this.db,
        run.id,
        {
          message: line.message,
          level: line.level,
          ...(line.label ? { statusLabel: line.label } : {}),
        },
        machine,
        now,
      );
      if (plan.succeed && plan.next === plan.changeAt) await this.changeEntity(run, now);
      plan.next += 1;
      return;
    }
    await this.finish(run, plan, now);
  }

  /** What the backend changes in the catalog, tied to the run with `run_id`. */
  private async changeEntity(run: ActiveRun, now: Date) {
    const props = (run.properties ?? {}) as Record<string, unknown>;
    const bp = run.blueprintIdentifier;
    const entity = run.entityIdentifier;
    if (!bp) return;
    switch (run.actionIdentifier) {
      case 'create_service':
        await createEntity(
          this.db,
          bp,
          {
            identifier: String(props.name),
            title: String(props.name),
            properties: { language: props.language, tier: 'medium', owner: 'team-platform' },
            relations: {},
          },
          { run_id: run.id, upsert: true, merge: false },
          machine,
          now,
        );
        return;
      case 'deploy_service':
      case 'scale_environment':
        if (!entity) return;
        await patchEntity(
          this.db,
          bp,
          entity,
          {
            properties:
              run.actionIdentifier === 'deploy_service'
                ? { version: props.version }
                : { nodes: props.nodes },
          },
          { run_id: run.id },
          machine,
          now,
        );
        return;
      case 'delete_service':
        // The catalog's own services stay (the demo workflows' inputs name them), also when a
        // person picked one in a run started by hand: the run succeeds, and nothing is deleted.
        if (entity && !DEMO_SERVICES.includes(entity)) {
          await deleteEntity(this.db, bp, entity, { run_id: run.id }, machine, now);
        }
        return;
    }
  }

  private async finish(run: ActiveRun, plan: Plan, now: Date) {
    const status = plan.succeed ? 'SUCCESS' : 'FAILURE';
    // Either way the label says how it ended: left at the last step's, it read "Succeeded ·
    // Verifying".
    const statusLabel = plan.succeed ? 'Completed successfully!' : 'Failed';
    // Backends end runs both ways Port allows: a final log line, or a PATCH with links.
    if (this.rng.chance(0.5)) {
      await postActionRunLog(
        this.db,
        run.id,
        {
          message: plan.succeed ? 'All steps finished' : 'Giving up',
          level: plan.succeed ? 'INFO' : 'ERROR',
          terminationStatus: status,
          statusLabel,
        },
        machine,
        now,
      );
    } else {
      await patchActionRun(
        this.db,
        run.id,
        {
          status,
          statusLabel,
          link: runLinks(run.actionIdentifier, this.rng),
          ...(plan.succeed ? { summary: `${plan.lines.length} steps done` } : {}),
        },
        machine,
        now,
        'v1',
      );
    }
    this.plans.delete(run.id);
    this.target = this.rng.int(MIN_ACTIVE, MAX_ACTIVE);
  }
}

export interface ActionRunSimulator {
  /** Stops ticking; resolves once a tick under way has finished. */
  stop(): Promise<void>;
}

/** Ticks the simulation on a timer that never keeps the process alive and never overlaps. */
export function startActionRunSimulator({
  db,
  clock = () => new Date(),
  tickMs = 2000,
  seed = Date.now(),
  adoptHandRuns = false,
}: {
  db: Db;
  clock?: () => Date;
  tickMs?: number;
  seed?: number;
  /** Play the demo's action runs started by hand too (a demo install: SEED=demo). */
  adoptHandRuns?: boolean;
}): ActionRunSimulator {
  const simulation = new ActionRunSimulation(db, new Rng(seed), { adoptHandRuns });
  let ready = false;
  return startTicker(
    'action-run simulator',
    tickMs,
    async () => {
      if (!ready) {
        await ensureSimulatorUser(db);
        ready = true;
      }
      await simulation.tick(clock());
    },
    { immediately: false },
  );
}
