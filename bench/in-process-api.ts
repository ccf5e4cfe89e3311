/**
 * The app in the bench's own process (`app.request`: JSON, auth, zod and the services, no
 * sockets) for the ingest benches that measure layers below HTTP: an admin machine user, its
 * bearer token, and the two-node workflow started `runs` times.
 */
import { createApp } from '../server/app';
import type { Db } from '../server/db/client';
import { ensureUsers } from '../server/seed/users';
import { twoNodeWorkflow } from './server-process';

export type InProcessCall = (method: string, p: string, body?: unknown) => Promise<unknown>;

/** `call` answers the parsed JSON body, or throws with the status and body on a 4xx/5xx. */
export async function inProcessApi(db: Db): Promise<{ call: InProcessCall }> {
  await ensureUsers(db, {
    adminClientId: 'a',
    adminClientSecret: 'secret-secret',
    memberClientId: 'm',
    memberClientSecret: 'secret-secret',
  });
  const app = createApp({ db });
  const tokenRes = await app.request('/v1/auth/access_token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: 'a', clientSecret: 'secret-secret' }),
  });
  const auth = `Bearer ${((await tokenRes.json()) as { accessToken: string }).accessToken}`;
  const call: InProcessCall = async (method, p, body) => {
    const res = await app.request(`/v1${p}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { call };
}

/** The `work` node run of each of `runs` new runs of the two-node workflow `load`. */
export async function workNodeRuns(call: InProcessCall, runs: number): Promise<string[]> {
  await call('POST', '/workflows', twoNodeWorkflow('load', 'Load', 'KAFKA'));
  const nodes: string[] = [];
  for (let i = 0; i < runs; i++) {
    const body = (await call('POST', '/workflows/load/runs', { inputs: {} })) as {
      workflowRun: { nodeRuns: { nodeIdentifier: string; identifier: string }[] };
    };
    nodes.push(body.workflowRun.nodeRuns.find((n) => n.nodeIdentifier === 'work')!.identifier);
  }
  return nodes;
}
