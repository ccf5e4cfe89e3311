import type { z } from 'zod';
import type {
  ActionRunV2,
  actionBodySchema,
  actionRunLogPostSchema,
  actionRunPatchSchema,
  blueprintBodySchema,
} from '../contract/actions';
import type { Entity, entityBodySchema } from '../contract/entities';
import type { SeedApi } from './seed-api';

type BlueprintInput = z.input<typeof blueprintBodySchema>;
type ActionInput = z.input<typeof actionBodySchema>;
type LogInput = z.input<typeof actionRunLogPostSchema>;
type PatchInput = z.input<typeof actionRunPatchSchema>;
type EntityInput = z.input<typeof entityBodySchema>;

/**
 * Blueprints, actions, entities and action runs through the real HTTP API — the calls a
 * self-service action's backend makes — as the SeedApi's user.
 */
export class ActionsSeedApi {
  constructor(readonly seed: SeedApi) {}

  /** Sends a request and returns the status and parsed body (callers decide what is an error). */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.seed.baseURL}/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.seed.token()}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  createBlueprint(body: BlueprintInput) {
    return this.call('POST', '/blueprints', body);
  }

  createAction(body: ActionInput) {
    return this.call('POST', '/actions', body);
  }

  async startActionRun(action: string, body: { properties: object; entity?: string }) {
    const path = `/actions/${encodeURIComponent(action)}/runs?version=v2`;
    return (await this.call<{ run: ActionRunV2 }>('POST', path, body)).run;
  }

  postLog(runId: string, body: LogInput) {
    return this.call('POST', `/actions/runs/${runId}/logs`, body);
  }

  patchRun(runId: string, body: PatchInput) {
    return this.request('PATCH', `/actions/runs/${runId}?version=v2`, body);
  }

  async createEntity(blueprint: string, body: EntityInput, runId?: string) {
    const query = runId ? `?run_id=${runId}` : '';
    const path = `/blueprints/${encodeURIComponent(blueprint)}/entities${query}`;
    return (await this.call<{ entity: Entity }>('POST', path, body)).entity;
  }

  async patchEntity(blueprint: string, id: string, body: Partial<EntityInput>, runId?: string) {
    const query = runId ? `?run_id=${runId}` : '';
    const path = `/blueprints/${encodeURIComponent(blueprint)}/entities/${encodeURIComponent(id)}${query}`;
    return (await this.call<{ entity: Entity }>('PATCH', path, body)).entity;
  }
}

/** A blueprint with a CREATE and a DAY-2 action whose webhook the test itself plays. */
export async function seedServiceCatalog(api: ActionsSeedApi, suffix: string) {
  const blueprint = `service_${suffix}`;
  await api.createBlueprint({
    identifier: blueprint,
    title: `Service ${suffix}`,
    schema: { properties: { version: { type: 'string' } } },
  });
  const create = `create_${suffix}`;
  await api.createAction({
    identifier: create,
    title: 'Create service',
    blueprint,
    trigger: {
      operation: 'CREATE',
      userInputs: { properties: { name: { type: 'string' } }, required: ['name'] },
    },
  });
  const deploy = `deploy_${suffix}`;
  await api.createAction({
    identifier: deploy,
    title: 'Deploy service',
    blueprint,
    trigger: { operation: 'DAY-2' },
  });
  return { blueprint, create, deploy };
}
