/**
 * What the database benches share: a fresh embedded PostgreSQL in a temp dir with the two bench
 * users, the real app served on loopback, tokens for it, and the median of a sample.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../server/app';
import { openEmbedded, type Db } from '../server/db/client';
import { ensureUsers } from '../server/seed/users';

export const BENCH_CREDENTIALS = {
  adminClientId: 'bench-admin',
  adminClientSecret: 'bench-secret',
  memberClientId: 'bench-member',
  memberClientSecret: 'bench-secret',
};

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A fresh embedded PostgreSQL with the bench users; `close` stops it and removes its dir. */
export async function openBenchDatabase(prefix = 'runboard-bench-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const database = await openEmbedded({ dataDir: dir });
  await ensureUsers(database.db, BENCH_CREDENTIALS);
  return {
    db: database.db,
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real app on 127.0.0.1 over `db`: its /v1 base URL, a token per bench user, and close. */
export async function serveBenchApp(db: Db) {
  const server = serve({ fetch: createApp({ db }).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const token = async (clientId = BENCH_CREDENTIALS.adminClientId) => {
    const res = await fetch(`${base}/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, clientSecret: BENCH_CREDENTIALS.adminClientSecret }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { base, token, close };
}
