/**
 * The ingest bench's writers (issue 17), in their own process as backends are: `writers` loops,
 * each posting `batch`-line batches (~100-byte messages, every tenth line WARN) to its node run's
 * POST /v1/workflows/nodes/runs/{id}/logs, one request at a time, from `startAt` (epoch ms) for
 * `seconds`. Prints one JSON line: lines written, the seconds taken, this process's CPU seconds.
 *
 * The writers are a load generator on the same cores as the server, so they cost as little as
 * they can: each keeps one connection (node:http with a keep-alive agent, not fetch, which cost
 * ~3× the CPU a request) and posts bodies serialized once (BODIES of them, cycled: the server
 * parses, checks and stores every one as it would any other, its lines numbered anew).
 *
 *   npx tsx bench/ingest-writers.ts <base> <token> <seconds> <startAt> <nodeRun,nodeRun,…> [batch]
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export const logMessage = (i: number) =>
  `step ${i}: processed batch of records from upstream source, checksum ${(i * 2654435761) % 4294967296} ok`;

export interface WriterResult {
  lines: number;
  seconds: number;
  cpuSeconds: number;
  /** Requests made, and the sum of their round trips (ms): from the request's write to its answer read. */
  requests: number;
  roundTripMs: number;
}

/** Distinct bodies each writer cycles through. */
const BODIES = 16;

/** One POST on a kept-alive connection; resolves with the status once the answer is read. */
function post(agent: http.Agent, url: URL, auth: string, body: Buffer) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The writers' loops in this process; `lines` counts accepted lines. */
export async function runWriters(
  base: string,
  auth: string,
  nodeRuns: string[],
  seconds: number,
  batch = 100,
): Promise<WriterResult> {
  let lines = 0;
  let requests = 0;
  let roundTripMs = 0;
  const cpu0 = process.cpuUsage();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    nodeRuns.map(async (node, w) => {
      let i = w * BODIES * batch;
      const bodies = Array.from({ length: BODIES }, () => {
        const logs = Array.from({ length: batch }, () => ({
          level: i % 10 === 0 ? 'WARN' : 'INFO',
          message: logMessage(i++),
        }));
        return Buffer.from(JSON.stringify({ logs }));
      });
      // An agent per writer: one connection each, as a backend's client keeps.
      const own = w === 0 ? agent : new http.Agent({ keepAlive: true, maxSockets: 1 });
      const url = new URL(`${base}/workflows/nodes/runs/${node}/logs`);
      for (let k = 0; performance.now() < until; k++) {
        const t0 = performance.now();
        const res = await post(own, url, auth, bodies[k % BODIES]!);
        roundTripMs += performance.now() - t0;
        requests++;
        if (res.status !== 201) throw new Error(`POST logs: ${res.status} ${res.text}`);
        lines += batch;
      }
      own.destroy();
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return {
    lines,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    requests,
    roundTripMs,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [base, token, seconds, startAt, nodes, batch] = process.argv.slice(2);
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  const result = await runWriters(
    base!,
    `Bearer ${token}`,
    nodes!.split(','),
    Number(seconds),
    Number(batch ?? 100),
  );
  console.log(JSON.stringify(result));
}
