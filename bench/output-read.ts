/**
 * A node output read whole and shallowly over HTTP (gzip accepted), 5 requests each, alternated:
 * wall time, the server's and PostgreSQL's CPU per request, the client's JSON.parse, bytes.
 * `npx tsx bench/output-read.ts <dataDir> <nodeRunId> <buildDir>` on a data dir kept by
 * `bench/log-viewer.ts --setup-only` (its `withOutput` node run holds a 10 MB output).
 */
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { startBenchServer } from './server-process';
import { clusterCpuSeconds } from './cpu';
import { readFileSync } from 'node:fs';
const procCpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(x[11]) + Number(x[12])) / 100;
};
const [dataDir, node] = process.argv.slice(2);
const cluster = await startEmbeddedPostgres({ dataDir: dataDir!, log: () => {} });
const server = await startBenchServer({
  DATABASE_URL: cluster.url('runboard'),
  PORT: '18975',
  DATA_DIR: dataDir!,
  STATIC_DIR: process.argv[4] ?? dataDir!,
});
const base = 'http://127.0.0.1:18975/v1';
try {
  const { accessToken } = (await (
    await fetch(`${base}/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'runboard-admin', clientSecret: 'runboard-admin-secret' }),
    })
  ).json()) as { accessToken: string };
  const get = async (p: string, n = 5) => {
    const s0 = procCpu(server.child.pid!),
      p0 = clusterCpuSeconds(dataDir!);
    const t0 = performance.now();
    let bytes = 0,
      parse = 0;
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${base}${p}`, {
        headers: { authorization: `Bearer ${accessToken}`, 'accept-encoding': 'gzip' },
      });
      const text = await res.text();
      bytes = text.length;
      const q0 = performance.now();
      JSON.parse(text);
      parse += performance.now() - q0;
    }
    const wall = (performance.now() - t0) / n;
    const sc = ((procCpu(server.child.pid!) - s0) * 1000) / n,
      pc = ((clusterCpuSeconds(dataDir!) - p0) * 1000) / n;
    return `wall ${Math.round(wall)} ms/req, server CPU ${Math.round(sc)} ms/req, PostgreSQL CPU ${Math.round(pc)} ms/req, client JSON.parse ${Math.round(parse / n)} ms, ${(bytes / 1e3).toFixed(1)} KB of JSON`;
  };
  for (let i = 0; i < 3; i++) {
    console.log('shallow', await get(`/workflows/nodes/runs/${node}/output/shallow`));
    console.log('full   ', await get(`/workflows/nodes/runs/${node}/output`));
  }
  const root = (await (
    await fetch(`${base}/workflows/nodes/runs/${node}/output/shallow`, {
      headers: { authorization: `Bearer ${accessToken}` },
    })
  ).json()) as { entries: { key: string }[] };
  const first = root.entries[0]?.key;
  if (first !== undefined) {
    const pointer = `/${first.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    console.log(
      `shallow ${pointer}`,
      await get(
        `/workflows/nodes/runs/${node}/output/shallow?pointer=${encodeURIComponent(pointer)}`,
      ),
    );
  }
} finally {
  await server.stop();
  await cluster.stop();
}
