import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';

/**
 * Replays, request for request, what Port's GitHub Action (port-labs/port-github-action v1.7.8)
 * and its integration suites send: fixture set-up (__tests__/utils/setup.ts), UPSERT,
 * BULK_UPSERT (one upsert per element), GET with include, SEARCH, DELETE, CREATE_RUN and
 * PATCH_RUN, and the suite's clean-up.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const BP = 'gh-action-test-bp';
const BP2 = 'gh-action-test-bp2';
const upsert = (bp: string, query = '') =>
  `/blueprints/${bp}/entities?upsert=true&merge=true${query}`;

const schemaProperties = {
  text: { type: 'string', title: 'Text' },
  number: { type: 'number', title: 'Number' },
  boolean: { type: 'boolean', title: 'Boolean' },
  array: { type: 'array', title: 'Array' },
  object: { type: 'object', title: 'Object' },
};

describe("the action's fixture set-up", () => {
  it('creates teams, blueprints with relations, team inheritance and ownership', async () => {
    for (const team of ['Test', 'test']) {
      const res = await t.api('machine', 'POST', upsert('_team'), {
        identifier: team,
        title: team,
        properties: {},
        relations: {},
      });
      expect(res.status).toBe(201);
    }
    const bp2 = await t.api('machine', 'POST', '/blueprints', {
      identifier: BP2,
      title: 'GH action test 2',
      icon: 'Github',
      schema: { properties: schemaProperties, required: [] },
    });
    expect(bp2.status).toBe(201);
    expect(bp2.body.blueprint.relations).toEqual({});
    const bp = await t.api('machine', 'POST', '/blueprints', {
      identifier: BP,
      title: 'GH action test',
      icon: 'Github',
      schema: { properties: schemaProperties, required: [] },
      relations: {
        'gha-relation': { title: 'Relation', target: BP2, many: false, required: false },
      },
      teamInheritance: { path: 'team' },
      ownership: { type: 'Direct', title: 'team' },
      mirrorProperties: { otherText: { path: 'gha-relation.text' } },
      changelogDestination: { type: 'KAFKA' },
    });
    expect(bp.status).toBe(201);
    const read = await t.api('machine', 'GET', `/blueprints/${BP}`);
    expect(read.body.blueprint).toMatchObject({
      relations: { 'gha-relation': { target: BP2, many: false, required: false } },
      teamInheritance: { path: 'team' },
      ownership: { type: 'Direct', title: 'team' },
      mirrorProperties: { otherText: { path: 'gha-relation.text' } },
      changelogDestination: { type: 'KAFKA' },
    });
  });

  it('refuses a relation whose target blueprint does not exist with 404', async () => {
    const res = await t.api('machine', 'POST', '/blueprints', {
      identifier: 'dangling',
      title: 'Dangling',
      schema: { properties: {} },
      relations: { nowhere: { target: 'no-such-bp', many: false, required: false } },
    });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('no-such-bp');
  });

  it("creates actions in Port's current shape, with and without a blueprint", async () => {
    const entityBp = await t.api('machine', 'POST', '/blueprints', {
      identifier: 'gh-action-test-bp-entity',
      title: 'Entity BP',
      schema: { properties: {} },
    });
    expect(entityBp.status).toBe(201);
    const loose = await t.api('machine', 'POST', '/actions', {
      identifier: 'gh-action-test',
      title: 'GH action test',
      trigger: { type: 'self-service', operation: 'DELETE', userInputs: { properties: {} } },
      invocationMethod: { type: 'KAFKA' },
    });
    expect(loose.status).toBe(201);
    expect(loose.body.action.blueprint).toBeNull();
    expect(loose.body.action.trigger).not.toHaveProperty('blueprintIdentifier');
    const tied = await t.api('machine', 'POST', '/actions', {
      identifier: 'gh-action-test-entity',
      title: 'GH action test entity',
      trigger: {
        type: 'self-service',
        operation: 'DELETE',
        blueprintIdentifier: 'gh-action-test-bp-entity',
        userInputs: { properties: {} },
      },
      invocationMethod: { type: 'KAFKA' },
    });
    expect(tied.status).toBe(201);
    expect(tied.body.action.trigger.blueprintIdentifier).toBe('gh-action-test-bp-entity');
    expect(tied.body.action.blueprint).toBe('gh-action-test-bp-entity');
  });

  it('still reads back the older shape (top-level blueprint) as written', async () => {
    const res = await t.api('machine', 'POST', '/actions', {
      identifier: 'legacy-shape',
      title: 'Legacy',
      blueprint: BP,
      trigger: { operation: 'DAY-2', userInputs: { properties: {} } },
      invocationMethod: { type: 'KAFKA' },
    });
    expect(res.status).toBe(201);
    expect(res.body.action.blueprint).toBe(BP);
    const clash = await t.api('machine', 'POST', '/actions', {
      identifier: 'clash',
      blueprint: BP,
      trigger: { operation: 'DAY-2', blueprintIdentifier: BP2, userInputs: { properties: {} } },
      invocationMethod: { type: 'KAFKA' },
    });
    expect(clash.status).toBe(422);
    expect(clash.body.message).toContain(BP2);
  });
});

describe('CREATE_RUN and PATCH_RUN', () => {
  it('starts a run of a blueprint-less DELETE action without an entity (202)', async () => {
    const res = await t.api('machine', 'POST', '/actions/gh-action-test/runs', {
      properties: { text: 'test', number: 1, boolean: true },
    });
    expect(res.status).toBe(202);
    expect(res.body.run.status).toBe('IN_PROGRESS');
    expect(res.body.run.blueprint).toBeNull();
    const v2 = await t.api('machine', 'GET', `/actions/runs/${res.body.run.id}?version=v2`);
    expect(v2.body.run.blueprint).toBeNull();
    const patched = await t.api('machine', 'PATCH', `/actions/runs/${res.body.run.id}`, {
      status: 'SUCCESS',
      link: 'https://github.com/port-labs/port-github-action/actions/runs/1',
    });
    expect(patched.status).toBe(200);
  });

  it('still needs an entity for a DELETE action tied to a blueprint', async () => {
    const res = await t.api('machine', 'POST', '/actions/gh-action-test-entity/runs', {
      properties: {},
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('body.entity');
  });
});

describe('UPSERT', () => {
  it('accepts the full body with blueprint and team, generating an identifier', async () => {
    const res = await t.api('machine', 'POST', upsert(BP), {
      title: 'No id',
      icon: 'Github',
      blueprint: BP,
      team: 'Test',
      properties: { text: 'a' },
      relations: {},
    });
    expect(res.status).toBe(201);
    expect(res.body.entity.identifier).toMatch(/^e_[A-Za-z0-9]{16}$/);
    expect(res.body.entity.team).toEqual(['Test']);
  });

  it('refuses a body blueprint that differs from the path with 422 naming both', async () => {
    const res = await t.api('machine', 'POST', upsert(BP), {
      identifier: 'x',
      blueprint: BP2,
      properties: {},
      relations: {},
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(BP2);
    expect(res.body.message).toContain(BP);
  });

  it('answers 404 for a relation key the blueprint does not have', async () => {
    const res = await t.api('machine', 'POST', upsert(BP), {
      identifier: 'rel-unknown',
      blueprint: BP,
      properties: {},
      relations: { 'not-a-relation': 'x' },
    });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('not-a-relation');
  });

  it('answers 404 for a missing relation target unless create_missing_related_entities', async () => {
    const body = {
      identifier: 'with-rel',
      blueprint: BP,
      properties: {},
      relations: { 'gha-relation': 'target-1' },
    };
    const missing = await t.api('machine', 'POST', upsert(BP), body);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('target-1');
    const created = await t.api(
      'machine',
      'POST',
      upsert(BP, '&create_missing_related_entities=true'),
      body,
    );
    expect(created.status).toBe(201);
    const target = await t.api('machine', 'GET', `/blueprints/${BP2}/entities/target-1`);
    expect(target.status).toBe(200);
    expect(target.body.entity.properties).toEqual({});
  });

  it('never creates missing teams, and refuses an unknown one with 404', async () => {
    const res = await t.api(
      'machine',
      'POST',
      upsert(BP, '&create_missing_related_entities=true'),
      { identifier: 'teamless', blueprint: BP, team: ['Nope'], properties: {}, relations: {} },
    );
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('Nope');
  });

  it('merges with merge=true and replaces without it', async () => {
    const first = await t.api('machine', 'POST', upsert(BP), {
      identifier: 'merge-me',
      title: 'Merge me',
      blueprint: BP,
      team: ['Test'],
      properties: { text: 'a', number: 1 },
      relations: { 'gha-relation': 'target-1' },
    });
    expect(first.status).toBe(201);
    const merged = await t.api('machine', 'POST', upsert(BP), {
      identifier: 'merge-me',
      blueprint: BP,
      properties: { number: 2 },
      relations: {},
    });
    expect(merged.body.entity).toMatchObject({
      title: 'Merge me',
      team: ['Test'],
      properties: { text: 'a', number: 2 },
      relations: { 'gha-relation': 'target-1' },
    });
    const replaced = await t.api('machine', 'POST', `/blueprints/${BP}/entities?upsert=true`, {
      identifier: 'merge-me',
      properties: { number: 3 },
    });
    expect(replaced.body.entity).toMatchObject({
      title: null,
      team: [],
      properties: { number: 3 },
      relations: {},
    });
  });

  it('validates properties against the blueprint schema, naming the property and rule', async () => {
    const res = await t.api('machine', 'POST', upsert(BP), {
      identifier: 'bad-props',
      blueprint: BP,
      properties: { number: 'not a number' },
      relations: {},
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('properties.number');
    expect(res.body.message).toContain('number');
  });

  it('ties an upsert to a run and writes exactly one audit entry for it', async () => {
    const run = await t.api('machine', 'POST', '/actions/gh-action-test/runs', { properties: {} });
    const runId = run.body.run.id as string;
    const res = await t.api('machine', 'POST', upsert(BP, `&run_id=${runId}`), {
      identifier: 'run-tied',
      blueprint: BP,
      properties: {},
      relations: {},
    });
    expect(res.status).toBe(201);
    const audit = await t.api(
      'machine',
      'GET',
      `/audit-log?resources=entity&run_id=${runId}&includes=context`,
    );
    expect(audit.body.audits).toHaveLength(1);
    // Port's context names, which the action's test reads.
    expect(audit.body.audits[0].context).toMatchObject({ entity: 'run-tied', blueprint: BP });
  });

  it('BULK_UPSERT: one upsert per element, in order, each with its own blueprint', async () => {
    const elements = [
      { identifier: 'bulk-1', blueprint: BP2, properties: { text: 'one' }, relations: {} },
      { identifier: 'bulk-2', blueprint: BP, properties: { text: 'two' }, relations: {} },
    ];
    const ids = [];
    for (const e of elements) {
      const res = await t.api('machine', 'POST', upsert(e.blueprint), e);
      expect(res.status).toBe(201);
      ids.push(res.body.entity.identifier);
    }
    expect(ids).toEqual(['bulk-1', 'bulk-2']);
  });
});

describe('schema rules', () => {
  it('applies defaults, enum, pattern and format, and requires required relations', async () => {
    const bp = await t.api('admin', 'POST', '/blueprints', {
      identifier: 'strict',
      title: 'Strict',
      schema: {
        properties: {
          tier: { type: 'string', enum: ['gold', 'silver'], default: 'silver' },
          code: { type: 'string', pattern: '^[A-Z]{3}$' },
          email: { type: 'string', format: 'email' },
        },
        required: ['code'],
      },
      relations: { owner: { target: BP2, many: false, required: true } },
    });
    expect(bp.status).toBe(201);
    const path = '/blueprints/strict/entities';
    const noCode = await t.api('admin', 'POST', path, {
      identifier: 's1',
      properties: {},
      relations: { owner: 'target-1' },
    });
    expect(noCode.status).toBe(422);
    expect(noCode.body.message).toContain('properties.code is required');
    const badEnum = await t.api('admin', 'POST', path, {
      identifier: 's1',
      properties: { code: 'ABC', tier: 'bronze' },
      relations: { owner: 'target-1' },
    });
    expect(badEnum.status).toBe(422);
    expect(badEnum.body.message).toContain('properties.tier');
    const badPattern = await t.api('admin', 'POST', path, {
      identifier: 's1',
      properties: { code: 'abc' },
      relations: { owner: 'target-1' },
    });
    expect(badPattern.body.message).toContain('properties.code must match pattern');
    const badFormat = await t.api('admin', 'POST', path, {
      identifier: 's1',
      properties: { code: 'ABC', email: 'nope' },
      relations: { owner: 'target-1' },
    });
    expect(badFormat.body.message).toContain('properties.email must match format "email"');
    const noOwner = await t.api('admin', 'POST', path, {
      identifier: 's1',
      properties: { code: 'ABC' },
    });
    expect(noOwner.status).toBe(422);
    expect(noOwner.body.message).toContain('relations.owner');
    const good = await t.api('admin', 'POST', path, {
      identifier: 's1',
      properties: { code: 'ABC' },
      relations: { owner: 'target-1' },
    });
    expect(good.status).toBe(201);
    expect(good.body.entity.properties).toEqual({ code: 'ABC', tier: 'silver' });
  });
});

describe('GET with include and exclude', () => {
  it('answers the shape the action outputs: relations an object, team an array', async () => {
    await t.api('machine', 'POST', upsert(BP), {
      identifier: 'get-me',
      title: 'Get me',
      blueprint: BP,
      team: ['Test'],
      properties: { text: 'str', number: 1 },
      relations: {},
    });
    const res = await t.api('machine', 'GET', `/blueprints/${BP}/entities/get-me`);
    expect(res.body.entity).toMatchObject({
      blueprint: BP,
      identifier: 'get-me',
      properties: { text: 'str', number: 1 },
      relations: {},
      team: ['Test'],
      title: 'Get me',
    });
    const only = await t.api(
      'machine',
      'GET',
      `/blueprints/${BP}/entities/get-me?include=properties.text&include=identifier`,
    );
    expect(only.body.entity).toEqual({ identifier: 'get-me', properties: { text: 'str' } });
    const without = await t.api(
      'machine',
      'GET',
      `/blueprints/${BP}/entities/get-me?exclude=properties&exclude=createdBy`,
    );
    expect(without.body.entity).not.toHaveProperty('properties');
    expect(without.body.entity).not.toHaveProperty('createdBy');
    expect(without.body.entity.title).toBe('Get me');
  });

  it('answers 404 for an unknown blueprint or entity', async () => {
    expect((await t.api('machine', 'GET', `/blueprints/nope/entities/x`)).status).toBe(404);
    expect((await t.api('machine', 'GET', `/blueprints/${BP}/entities/nope`)).status).toBe(404);
  });
});

describe('SEARCH', () => {
  const search = (body: unknown, query = '') =>
    t.api('machine', 'POST', `/entities/search${query}`, body);
  const ids = (res: { body: { entities: { identifier: string }[] } }) =>
    res.body.entities.map((e) => e.identifier).sort();

  it('sets up the catalog searched below', async () => {
    expect(
      (
        await t.api('admin', 'POST', '/blueprints', {
          identifier: 'envs',
          title: 'Envs',
          schema: { properties: {} },
        })
      ).status,
    ).toBe(201);
    const svc = await t.api('admin', 'POST', '/blueprints', {
      identifier: 'svc2',
      title: 'Service',
      schema: {
        properties: {
          lang: { type: 'string' },
          port: { type: 'number' },
          tags: { type: 'array' },
          owner: { type: 'string' },
        },
      },
      relations: { env: { target: 'envs', many: false, required: false } },
    });
    expect(svc.status).toBe(201);
    const put = (identifier: string, body: object) =>
      t.api('admin', 'POST', '/blueprints/svc2/entities?create_missing_related_entities=true', {
        identifier,
        ...body,
      });
    expect(
      (
        await put('checkout', {
          title: 'Checkout API',
          team: ['Test'],
          properties: {
            lang: 'Go',
            port: 8080,
            tags: ['pci', 'eu'],
            owner: 'ana',
            expires: '2999-01-01T00:00:00.000Z',
          },
          relations: { env: 'prod' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await put('billing', {
          title: 'Billing',
          properties: {
            lang: 'TypeScript',
            port: 3000,
            tags: ['eu'],
            expires: '2001-01-01T00:00:00.000Z',
          },
          relations: { env: 'staging' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await put('search-svc', {
          title: 'Search',
          team: ['test'],
          properties: { lang: 'Go', port: 9200, tags: [], owner: '' },
        })
      ).status,
    ).toBe(201);
  });

  it('matches = on $identifier and $blueprint, as the action and its clean-up do', async () => {
    const res = await search({
      combinator: 'and',
      rules: [
        { property: '$blueprint', operator: '=', value: 'svc2' },
        { property: '$identifier', operator: '=', value: 'checkout' },
      ],
    });
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(['checkout']);
    expect(res.body.matchingBlueprints).toEqual(['svc2']);
    expect(res.body.entities[0].team).toEqual(['Test']);
    const none = await search({
      combinator: 'and',
      rules: [{ property: '$identifier', operator: '=', value: 'nothing-here' }],
    });
    expect(none.body.entities).toEqual([]);
  });

  it('compiles each operator', async () => {
    const on = (rule: object) =>
      search({
        combinator: 'and',
        rules: [{ property: '$blueprint', operator: '=', value: 'svc2' }, rule],
      }).then(ids);
    expect(await on({ property: 'lang', operator: '=', value: 'Go' })).toEqual([
      'checkout',
      'search-svc',
    ]);
    expect(await on({ property: 'lang', operator: '!=', value: 'Go' })).toEqual(['billing']);
    expect(await on({ property: 'port', operator: '>', value: 3000 })).toEqual([
      'checkout',
      'search-svc',
    ]);
    expect(await on({ property: 'port', operator: '<=', value: 8080 })).toEqual([
      'billing',
      'checkout',
    ]);
    expect(await on({ property: 'lang', operator: 'in', value: ['Go', 'Rust'] })).toEqual([
      'checkout',
      'search-svc',
    ]);
    expect(await on({ property: 'lang', operator: 'notIn', value: ['Go'] })).toEqual(['billing']);
    expect(
      await on({ property: '$identifier', operator: 'in', value: ['billing', 'checkout'] }),
    ).toEqual(['billing', 'checkout']);
    expect(await on({ property: '$identifier', operator: 'notIn', value: ['billing'] })).toEqual([
      'checkout',
      'search-svc',
    ]);
    expect(await on({ property: 'tags', operator: 'containsAny', value: ['pci', 'x'] })).toEqual([
      'checkout',
    ]);
    expect(await on({ property: '$title', operator: 'contains', value: 'API' })).toEqual([
      'checkout',
    ]);
    expect(await on({ property: '$title', operator: 'doesNotContains', value: 'API' })).toEqual([
      'billing',
      'search-svc',
    ]);
    expect(await on({ property: '$identifier', operator: 'beginsWith', value: 'bill' })).toEqual([
      'billing',
    ]);
    expect(await on({ property: '$identifier', operator: 'endsWith', value: '-svc' })).toEqual([
      'search-svc',
    ]);
    expect(await on({ property: 'owner', operator: 'isEmpty' })).toEqual(['billing', 'search-svc']);
    expect(await on({ property: 'owner', operator: 'isNotEmpty' })).toEqual(['checkout']);
    expect(await on({ property: '$team', operator: 'in', value: ['Test'] })).toEqual(['checkout']);
    expect(await on({ property: '$team', operator: 'isEmpty' })).toEqual(['billing']);
    expect(
      await on({ property: '$createdAt', operator: 'between', value: { preset: 'today' } }),
    ).toEqual(['billing', 'checkout', 'search-svc']);
    expect(
      await on({
        property: '$createdAt',
        operator: 'between',
        value: { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' },
      }),
    ).toEqual([]);
    expect(await on({ property: 'env', operator: '=', value: 'prod' })).toEqual(['checkout']);
    expect(await on({ property: 'expires', operator: 'isExpired' })).toEqual(['billing']);
    expect(await on({ property: 'expires', operator: 'isNotExpired' })).toEqual([
      'checkout',
      'search-svc',
    ]);
  });

  it('nests and/or groups', async () => {
    const res = await search({
      combinator: 'and',
      rules: [
        { property: '$blueprint', operator: '=', value: 'svc2' },
        {
          combinator: 'or',
          rules: [
            { property: 'lang', operator: '=', value: 'TypeScript' },
            {
              combinator: 'and',
              rules: [
                { property: 'lang', operator: '=', value: 'Go' },
                { property: 'port', operator: '>', value: 9000 },
              ],
            },
          ],
        },
      ],
    });
    expect(ids(res)).toEqual(['billing', 'search-svc']);
  });

  it('finds related entities both ways with relatedTo', async () => {
    const down = await search({
      combinator: 'and',
      rules: [{ operator: 'relatedTo', blueprint: 'envs', value: 'prod', direction: 'downstream' }],
    });
    expect(ids(down)).toEqual(['checkout']);
    const up = await search({
      combinator: 'and',
      rules: [
        { operator: 'relatedTo', blueprint: 'svc2', value: 'billing', direction: 'upstream' },
      ],
    });
    expect(ids(up)).toEqual(['staging']);
    const onlyRequired = await search({
      combinator: 'and',
      rules: [{ operator: 'relatedTo', blueprint: 'envs', value: 'prod', required: true }],
    });
    expect(ids(onlyRequired)).toEqual([]);
    const onlyOptional = await search({
      combinator: 'and',
      rules: [{ operator: 'relatedTo', blueprint: 'envs', value: 'prod', required: false }],
    });
    expect(ids(onlyOptional)).toEqual(['checkout']);
  });

  it('applies include and pages with limit and cursor', async () => {
    const body = {
      combinator: 'and',
      rules: [{ property: '$blueprint', operator: '=', value: 'svc2' }],
    };
    const first = await search(body, '?include=identifier&limit=2');
    expect(first.body.entities).toEqual([{ identifier: 'billing' }, { identifier: 'checkout' }]);
    const next = await search(body, `?include=identifier&limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body.entities).toEqual([{ identifier: 'search-svc' }]);
    expect(next.body.nextCursor).toBeNull();
  });

  it('refuses an unknown operator or key with 422 naming it', async () => {
    const op = await search({
      combinator: 'and',
      rules: [{ property: 'lang', operator: 'sounds-like', value: 'x' }],
    });
    expect(op.status).toBe(422);
    expect(op.body.message).toContain('sounds-like');
    const key = await search({ combinator: 'and', rules: [], extra: 1 });
    expect(key.status).toBe(422);
  });
});

describe('DELETE', () => {
  it('clears optional relations to a deleted entity, deletes dependents when asked', async () => {
    const res = await t.api(
      'machine',
      'DELETE',
      `/blueprints/envs/entities/staging?delete_dependents=false`,
    );
    expect(res.status).toBe(200);
    const billing = await t.api('machine', 'GET', '/blueprints/svc2/entities/billing');
    expect(billing.body.entity.relations.env).toBeNull();
    const withDeps = await t.api(
      'machine',
      'DELETE',
      '/blueprints/envs/entities/prod?delete_dependents=true',
    );
    expect(withDeps.status).toBe(200);
    expect((await t.api('machine', 'GET', '/blueprints/svc2/entities/checkout')).status).toBe(404);
  });

  it('refuses to delete an entity a required relation depends on', async () => {
    const res = await t.api('machine', 'DELETE', `/blueprints/${BP2}/entities/target-1`);
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('s1');
  });

  it('refuses to delete a blueprint with entities unless asked, then deletes it', async () => {
    const refused = await t.api('admin', 'DELETE', '/blueprints/svc2');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('entit');
    const done = await t.api('admin', 'DELETE', '/blueprints/svc2?delete_entities=true');
    expect(done.status).toBe(200);
    expect((await t.api('admin', 'GET', '/blueprints/svc2')).status).toBe(404);
    const target = await t.api('admin', 'DELETE', `/blueprints/${BP2}?delete_entities=true`);
    expect(target.status).toBe(409);
    expect(target.body.message).toContain(BP);
  });

  it('deletes an action; its runs stay readable', async () => {
    const run = await t.api('machine', 'POST', '/actions/gh-action-test/runs', { properties: {} });
    expect((await t.api('admin', 'DELETE', '/actions/gh-action-test')).status).toBe(200);
    expect((await t.api('admin', 'DELETE', '/actions/gh-action-test')).status).toBe(404);
    expect((await t.api('admin', 'GET', `/actions/runs/${run.body.run.id}`)).status).toBe(200);
  });
});
