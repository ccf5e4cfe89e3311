import { expect } from 'vitest';
import type { TestServer } from '../test/harness';

/** A blueprint, an entity and actions of every kind, created through the API as an admin. */
export async function seedActionCatalog(t: TestServer) {
  await t.api('admin', 'POST', '/blueprints', {
    identifier: 'microservice',
    title: 'Service',
    schema: { properties: { region: { type: 'string' } } },
  });
  await t.api('admin', 'POST', '/actions', {
    identifier: 'create_microservice',
    title: 'Create microservice',
    blueprint: 'microservice',
    trigger: {
      operation: 'CREATE',
      userInputs: { properties: { name: { type: 'string' } }, required: ['name'] },
    },
  });
  await t.api('admin', 'POST', '/actions', {
    identifier: 'restart',
    title: 'Restart',
    blueprint: 'microservice',
    trigger: { operation: 'DAY-2' },
  });
  await t.api('admin', 'POST', '/actions', {
    identifier: 'secret_restart',
    title: 'Secret restart',
    blueprint: 'microservice',
    allowAnyoneToViewRuns: false,
    trigger: { operation: 'DAY-2' },
  });
  await t.api('admin', 'POST', '/actions', {
    identifier: 'synced',
    title: 'Synced',
    blueprint: 'microservice',
    trigger: { operation: 'CREATE' },
    // No url: these tests drive the run themselves; the backend tests give actions a url.
    invocationMethod: { type: 'WEBHOOK', synchronized: true },
  });
  await t.api('admin', 'POST', '/blueprints/microservice/entities', {
    identifier: 'orders',
    title: 'Orders',
  });
}

/** Starts a run through the API and returns its id. */
export async function startRunAs(
  t: TestServer,
  action = 'create_microservice',
  body: object = { properties: { name: 'payments', region: 'eu-west-1' } },
  as: 'admin' | 'member' = 'member',
) {
  const res = await t.api(as, 'POST', `/actions/${action}/runs`, body);
  expect(res.status).toBe(202);
  return res.body.run.id as string;
}

/** A DAY-2 action on the catalog's microservices whose runs wait for an admin's approval. */
export async function createGuardedAction(t: TestServer, identifier: string, title = 'Guarded') {
  const res = await t.api('admin', 'POST', '/actions', {
    identifier,
    title,
    blueprint: 'microservice',
    trigger: { operation: 'DAY-2' },
    requiredApproval: true,
  });
  expect(res.status).toBe(201);
}
