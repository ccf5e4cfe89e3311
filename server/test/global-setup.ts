import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../db/client';

/**
 * Migrates one PGlite per test run and dumps it; each test file opens a copy (~0.3 s instead of a
 * 2–3 s initdb). With DATABASE_URL the test files create their own databases instead.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-test-'));
  const dumpPath = path.join(dir, 'migrated.tar.gz');
  if (!process.env.DATABASE_URL) {
    const database = await openPglite({});
    const dump = await database.client.dumpDataDir('gzip');
    writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
    await database.close();
  }
  project.provide('pgliteDump', dumpPath);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
  }
}
