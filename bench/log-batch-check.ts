/**
 * CPU of checking one log-append body (100 lines of ~100 bytes, as bench/load.ts's writers send):
 * the generic check every route gets (a walk of the body for what cannot be stored, then zod)
 * against the log batch's own one-pass check (server/http/log-batch.ts), in-process, alternating.
 *
 *   npx tsx bench/log-batch-check.ts      (ROUNDS=5 N=20000)
 */
import { loadavg } from 'node:os';
import { LOG_LEVELS, nodeRunLogsPostSchema } from '../contract/workflows';
import { logBatchBodySchema } from '../server/http/log-batch';
import { check } from '../server/http/validate';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const N = Number(process.env.N ?? 20000);

const text = JSON.stringify({
  logs: Array.from({ length: 100 }, (_, i) => ({
    level: LOG_LEVELS[i % 4],
    message: `step ${i}: `.padEnd(100, 'abcdefghij'),
  })),
});
// A new parse per request, as the server reads each body.
const bodies = Array.from({ length: 64 }, () => JSON.parse(text) as unknown);

const ways = {
  // What validationHook + zod-openapi's validator did: the walk, then zod (here its sync parse).
  generic: (body: unknown) => Promise.resolve(check(nodeRunLogsPostSchema, body, 'body')),
  fast: async (body: unknown) => {
    await logBatchBodySchema.safeParseAsync(body);
  },
};

console.log(
  `load average: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (let r = 1; r <= ROUNDS; r++) {
  for (const [name, way] of r % 2 ? Object.entries(ways) : Object.entries(ways).reverse()) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await way(bodies[i % bodies.length]);
    const cpu = process.cpuUsage(cpu0);
    const us = (cpu.user + cpu.system) / N;
    console.log(
      `round ${r} ${name.padEnd(7)}: ${us.toFixed(1)} µs CPU per 100-line body (${(us / 100).toFixed(3)} µs a line)`,
    );
  }
}
