/**
 * The ingest bench's writers (issue 17), in their own process as backends are: `writers` loops,
 * each posting `batch`-line batches (~100-byte messages, every tenth line WARN) to its node run's
 * POST /v1/workflows/nodes/runs/{id}/logs, one request at a time, from `startAt` (epoch ms) for
 * `seconds`. Prints one JSON line: lines written, the seconds taken, this process's CPU seconds.
 *
 *   npx tsx bench/ingest-writers.ts <base> <token> <seconds> <startAt> <nodeRun,nodeRun,…> [batch]
 */
import { fileURLToPath } from 'node:url';

export const logMessage = (i: number) =>
  `step ${i}: processed batch of records from upstream source, checksum ${(i * 2654435761) % 4294967296} ok`;

export interface WriterResult {
  lines: number;
  seconds: number;
  cpuSeconds: number;
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
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    nodeRuns.map(async (node) => {
      let i = 0;
      while (performance.now() < until) {
        const logs = Array.from({ length: batch }, () => ({
          level: i % 10 === 0 ? 'WARN' : 'INFO',
          message: logMessage(i++),
        }));
        const res = await fetch(`${base}/workflows/nodes/runs/${node}/logs`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ logs }),
        });
        const text = await res.text();
        if (res.status !== 201) throw new Error(`POST logs: ${res.status} ${text}`);
        lines += batch;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return {
    lines,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
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
