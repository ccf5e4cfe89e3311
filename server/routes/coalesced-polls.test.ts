import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../contract/auth';
import { CHECKED_CREDENTIAL_MS } from '../db/users';
import { sha256 } from '../http/auth';
import { bearerToken, startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';
import { createQuietWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';

/**
 * Polls made together share their lookups (db/coalesce.ts: the token's, the run's stamp, the log's
 * state): each must still get its own answer — 304 for its current tag, 200 for a stale one or
 * another user's, 404 for a run it may not view — and a revoked token must be refused by the
 * next request.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  const quiet = (identifier: string, extra = {}) => createQuietWorkflow(t, identifier, extra);
  await quiet('coalesced');
  await quiet('coalesced-private', { allowAnyoneToViewRuns: false });
});
afterAll(() => t.close());

const post = (nodeRun: string, ...messages: string[]) =>
  t.api('admin', 'POST', `/workflows/nodes/runs/${nodeRun}/logs`, {
    logs: messages.map((message) => ({ level: 'INFO', message })),
  });
const tagOf = (res: { headers: Headers }) => res.headers.get('etag')!;

interface Poll {
  as: 'admin' | 'member';
  path: string;
  tag?: string;
  expected: number;
}

/** Every poll at once (several share each query), each answered with its own status. */
async function pollTogether(polls: Poll[]) {
  const answers = await Promise.all(
    polls.map((p) =>
      t.api(p.as, 'GET', p.path, undefined, p.tag ? { 'if-none-match': p.tag } : {}),
    ),
  );
  return answers.map((a, k) => ({ ...polls[k]!, status: a.status, tag: tagOf(a) }));
}

describe('polls made together (coalesced lookups)', () => {
  it('answer each run poll by its own tag: 304 when current, 200 when stale or another user’s, 404 when hidden', async () => {
    const open = await startRun(t, 'coalesced');
    const other = await startRun(t, 'coalesced');
    const hidden = await startRun(t, 'coalesced-private');
    const ignoring = (id: string) => `/workflows/runs/${id}?view=summary&ignoreLogCounts=true`;
    const plain = (id: string) => `/workflows/runs/${id}?view=summary`;
    const tag = async (as: 'admin' | 'member', path: string) => tagOf(await t.api(as, 'GET', path));
    const tags = {
      openIgnoring: await tag('admin', ignoring(open.identifier)),
      openPlain: await tag('admin', plain(open.identifier)),
      otherPlain: await tag('admin', plain(other.identifier)),
      memberOpen: await tag('member', ignoring(open.identifier)),
      hiddenAdmin: await tag('admin', ignoring(hidden.identifier)),
    };
    // A line moves the plain tags, not the ones that ignore the counts.
    await post(nodeRunOf(open, 'work').identifier, 'moves the plain tag');
    // The member's own tag for the hidden run, naming its current stamp: still 404.
    const memberId = (await t.api('member', 'GET', '/me')).body.user.id as string;
    const stamp = tags.hiddenAdmin.slice(tags.hiddenAdmin.indexOf('.') + 1, -1);
    const memberDigest = createHash('sha1')
      .update(`${memberId}|member|false|summary|ignoreLogs`)
      .digest('base64url');
    const forged = `W/"r-${memberDigest}.${stamp}"`;

    const polls: Poll[] = [];
    for (let round = 0; round < 6; round++) {
      polls.push(
        { as: 'admin', path: ignoring(open.identifier), tag: tags.openIgnoring, expected: 304 },
        { as: 'admin', path: plain(open.identifier), tag: tags.openPlain, expected: 200 },
        { as: 'admin', path: plain(other.identifier), tag: tags.otherPlain, expected: 304 },
        { as: 'member', path: ignoring(open.identifier), tag: tags.memberOpen, expected: 304 },
        // The admin's tag is not the member's.
        { as: 'member', path: ignoring(open.identifier), tag: tags.openIgnoring, expected: 200 },
        { as: 'admin', path: ignoring(hidden.identifier), tag: tags.hiddenAdmin, expected: 304 },
        { as: 'member', path: ignoring(hidden.identifier), tag: forged, expected: 404 },
        { as: 'admin', path: ignoring(other.identifier), expected: 200 },
      );
    }
    const answered = await pollTogether(polls);
    expect(answered.map((a) => a.status)).toEqual(polls.map((p) => p.expected));
    // A 304 names the tag it was asked about; a 200 the current one.
    for (const a of answered.filter((x) => x.status === 304)) {
      const asked = polls[answered.indexOf(a)]!;
      expect(a.tag).toBe(asked.tag);
    }
  });

  it('answer each log poll by its own tag, and 404 for a node run its user may not view', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => startRun(t, 'coalesced')));
    const hidden = await startRun(t, 'coalesced-private');
    const works = runs.map((r) => nodeRunOf(r, 'work').identifier);
    await Promise.all(works.map((w, k) => post(w, `first of ${k}`)));
    const path = (w: string) => `/workflows/nodes/runs/${w}/logs?cursor=0`;
    const tags = await Promise.all(
      works.map(async (w) => tagOf(await t.api('admin', 'GET', path(w)))),
    );
    await post(works[1]!, 'second of 1'); // moves works[1]'s tag only
    const hiddenWork = nodeRunOf(hidden, 'work').identifier;
    const polls: Poll[] = [];
    for (let round = 0; round < 5; round++) {
      polls.push(
        { as: 'admin', path: path(works[0]!), tag: tags[0], expected: 304 },
        { as: 'admin', path: path(works[1]!), tag: tags[1], expected: 200 },
        { as: 'admin', path: path(works[2]!), tag: tags[2], expected: 304 },
        { as: 'member', path: path(works[0]!), tag: tags[0], expected: 200 },
        { as: 'member', path: path(hiddenWork), expected: 404 },
        { as: 'admin', path: path(hiddenWork), expected: 200 },
      );
    }
    const answered = await pollTogether(polls);
    expect(answered.map((a) => a.status)).toEqual(polls.map((p) => p.expected));
    const moved = await t.api('admin', 'GET', path(works[1]!), undefined, {
      'if-none-match': tags[1]!,
    });
    expect(moved.body.logs.map((l: { log: string }) => l.log)).toEqual([
      'first of 1',
      'second of 1',
    ]);
  });

  it('refuse a revoked token from the next request on, while other polls share the lookups', async () => {
    const run = await startRun(t, 'coalesced');
    const made = (await t.api('admin', 'POST', '/credentials', { name: 'poller' })).body;
    const auth = await bearerToken(t.baseUrl, made.credential.clientId, made.clientSecret);
    const poll = () =>
      fetch(`${t.baseUrl}/v1/workflows/runs/${run.identifier}?view=summary`, {
        headers: { authorization: auth },
      }).then((r) => r.status);
    const busy = () =>
      Promise.all(
        Array.from({ length: 20 }, () =>
          t.api('admin', 'GET', `/workflows/runs/${run.identifier}?view=summary`),
        ),
      );
    const [before] = await Promise.all([Promise.all([poll(), poll(), poll()]), busy()]);
    expect(before).toEqual([200, 200, 200]);
    const revoked = await t.api('admin', 'DELETE', `/credentials/${made.credential.id}`);
    expect(revoked.status).toBe(200);
    const [after] = await Promise.all([Promise.all([poll(), poll(), poll()]), busy()]);
    expect(after).toEqual([401, 401, 401]);
  });

  it('refuse a credential revoked elsewhere (another server, SQL) within CHECKED_CREDENTIAL_MS', async () => {
    const run = await startRun(t, 'coalesced');
    const path = `${t.baseUrl}/v1/workflows/runs/${run.identifier}?view=summary`;
    const made = (await t.api('admin', 'POST', '/credentials', { name: 'elsewhere' })).body;
    const auth = await bearerToken(t.baseUrl, made.credential.clientId, made.clientSecret);
    const signIn = await fetch(`${t.baseUrl}/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify({
        email: 'admin@runboard.dev',
        password: TEST_CREDENTIALS.adminPassword,
      }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const byToken = () => fetch(path, { headers: { authorization: auth } }).then((r) => r.status);
    const bySession = () => fetch(path, { headers: { cookie } }).then((r) => r.status);
    expect([await byToken(), await bySession()]).toEqual([200, 200]);
    // What another server's revocation and sign-out leave behind: the rows gone.
    await t.database.db.execute(
      sql`DELETE FROM access_tokens WHERE token_hash = ${sha256(auth.slice('Bearer '.length))}`,
    );
    await t.database.db.execute(
      sql`DELETE FROM sessions WHERE id_hash = ${sha256(cookie.slice(cookie.indexOf('=') + 1))}`,
    );
    const revokedAt = performance.now();
    // Until then it may still be taken, as checked less than CHECKED_CREDENTIAL_MS ago…
    while (performance.now() - revokedAt < CHECKED_CREDENTIAL_MS + 50) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // …never after.
    expect([await byToken(), await bySession()]).toEqual([401, 401]);
  });
});
