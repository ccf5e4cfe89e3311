import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';

/**
 * [ext] `POST /v1/entities/search?search=`: the dashboard's entity pickers find entities of any
 * blueprint by identifier or title ignoring case, while Port's `contains` rule stays
 * case-sensitive for Port's clients.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  for (const identifier of ['pickers_svc', 'pickers_db']) {
    const bp = await t.api('admin', 'POST', '/blueprints', {
      identifier,
      title: identifier,
      schema: { properties: {} },
    });
    expect(bp.status, JSON.stringify(bp.body)).toBe(201);
  }
  for (const [bp, identifier, title] of [
    ['pickers_svc', 'payments-api', 'Payments API'],
    ['pickers_svc', 'orders', 'Orders'],
    ['pickers_svc', 'pct', '100% done'],
    ['pickers_db', 'PAYMENTS_DB', null],
  ] as const) {
    const res = await t.api('admin', 'POST', `/blueprints/${bp}/entities`, {
      identifier,
      ...(title ? { title } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});
afterAll(async () => t.close());

const all = { combinator: 'and', rules: [] };
async function search(text: string | null, body: unknown = all, more = '') {
  const query = text === null ? '' : `search=${encodeURIComponent(text)}&`;
  const res = await t.api('member', 'POST', `/entities/search?${query}${more}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    entities: { identifier: string }[];
    matchingBlueprints: string[];
    nextCursor: string | null;
  };
}
const ids = (b: { entities: { identifier: string }[] }) => b.entities.map((e) => e.identifier);

describe('POST /v1/entities/search?search= [ext]', () => {
  it('finds identifiers and titles containing the text in any case, across blueprints', async () => {
    expect(ids(await search('Payments'))).toEqual(['PAYMENTS_DB', 'payments-api']);
    expect(ids(await search('pAyMeNtS aPi'))).toEqual(['payments-api']);
    expect(ids(await search('ORD'))).toEqual(['orders']);
    expect(ids(await search('ghost'))).toEqual([]);
    // Blank text is no condition.
    expect(ids(await search('  ')).length).toBeGreaterThanOrEqual(4);
  });

  it('takes % and _ literally', async () => {
    expect(ids(await search('%'))).toEqual(['pct']);
    expect(ids(await search('_'))).toEqual(['PAYMENTS_DB']);
  });

  it('narrows the body’s rules (and) and pages with them', async () => {
    const onlySvc = {
      combinator: 'and',
      rules: [{ property: '$blueprint', operator: '=', value: 'pickers_svc' }],
    };
    expect(ids(await search('PAY', onlySvc))).toEqual(['payments-api']);
    const first = await search('payments', all, 'limit=1');
    expect(ids(first)).toEqual(['PAYMENTS_DB']);
    expect(first.nextCursor).not.toBeNull();
    const second = await search('payments', all, `limit=1&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual(['payments-api']);
    expect(second.nextCursor).toBeNull();
  });

  it('leaves Port’s contains rule case-sensitive', async () => {
    const contains = (value: string) => ({
      combinator: 'or',
      rules: ['$identifier', '$title'].map((property) => ({
        property,
        operator: 'contains',
        value,
      })),
    });
    expect(ids(await search(null, contains('Payments')))).toEqual(['payments-api']);
    expect(ids(await search(null, contains('payments')))).toEqual(['payments-api']);
    expect(ids(await search(null, contains('PAYMENTS')))).toEqual(['PAYMENTS_DB']);
    expect(ids(await search(null, contains('pAyMeNtS')))).toEqual([]);
  });

  it('refuses a text longer than 200 characters with 422 naming the parameter', async () => {
    const res = await t.api('member', 'POST', `/entities/search?search=${'x'.repeat(201)}`, all);
    expect(res.status).toBe(422);
    expect(res.body.ok).toBe(false);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toMatch(/query\.search/);
  });
});
