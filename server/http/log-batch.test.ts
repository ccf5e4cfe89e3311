import { describe, expect, it } from 'vitest';
import { LOG_LEVELS, nodeRunLogsPostSchema } from '../../contract/workflows';
import { isStorableLogBatch, logBatchBodySchema } from './log-batch';
import { check } from './validate';

/** The generic check every other route gets: storable, then the zod schema. */
function generic(body: unknown): { ok: true; data: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, data: check(nodeRunLogsPostSchema, body, 'body') };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** A small seeded PRNG (mulberry32), so a failure replays. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bodies near the rules' edges: mostly valid, with one or two faults here and there. */
function generate(rand: () => number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const odd = () => rand() < 0.04;
  const value = (): unknown =>
    pick([null, 0, 1.5, true, '', 'INFO', [], {}, ['INFO'], { level: 'INFO' }, undefined]);
  const message = (): unknown => {
    if (odd()) return value();
    const length = pick([0, 1, 100, 65535, 65536, 65537]);
    let text = 'é'.repeat(Math.min(length, 3)) + 'm'.repeat(Math.max(0, length - 3));
    if (odd()) text = text.slice(0, 1) + '\u0000' + text.slice(2);
    if (odd()) text = '🙂'.repeat(Math.ceil(length / 2)); // 2 UTF-16 units each
    if (odd()) text = '\ud83d' + '🙂'.repeat(Math.floor(length / 2)); // a lone surrogate first
    return text;
  };
  const level = (): unknown =>
    odd()
      ? pick(['info', 'TRACE', 'WARNING', ' INFO', '', 'ERROR\u0000', value()])
      : pick(LOG_LEVELS);
  const line = (): unknown => {
    if (odd()) return value();
    const entry: Record<string, unknown> = {};
    if (!odd()) entry.level = level();
    if (!odd()) entry.message = message();
    if (odd())
      entry[pick(['logLevel', 'log', 'tags', '__proto__', 'lev\u0000el', 'extra'])] = value();
    if (odd()) return { message: entry.message, level: entry.level }; // other key order
    return entry;
  };
  if (rand() < 0.02) return value() ?? {}; // an empty body is read as {}
  const count = odd() ? pick([0, 10000, 10001]) : 1 + Math.floor(rand() * 8);
  const logs = Array.from({ length: count }, (_, i) =>
    count > 100 && i > 0 ? { level: 'INFO', message: 'x' } : line(),
  );
  const body: Record<string, unknown> = {
    logs: odd() ? pick([value(), 'logs', { 0: logs[0] }]) : logs,
  };
  if (odd()) body[pick(['extra', 'lines', '__proto__', 'x\u0000'])] = value();
  if (odd()) delete body.logs;
  // As the server reads it: JSON parsed (undefined dropped, __proto__ an own key).
  return JSON.parse(JSON.stringify(body));
}

describe('the log batch fast check', () => {
  it('accepts exactly the bodies the schema and the storability check accept (3 000 generated)', async () => {
    const rand = random(17);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const body = generate(rand);
      const expected = generic(body);
      expect(isStorableLogBatch(body), JSON.stringify(body).slice(0, 300)).toBe(expected.ok);
      // Through the route's schema: the same data when accepted, the generic refusal otherwise.
      const parsed = await logBatchBodySchema.safeParseAsync(body);
      if (expected.ok) {
        accepted++;
        expect(parsed).toEqual({ success: true, data: expected.data });
      }
    }
    // The generator must exercise both sides.
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(2700);
  });

  it('leaves every refusal to the generic check, which names the line and the field', () => {
    const cases: [unknown, RegExp][] = [
      [
        {
          logs: [
            { level: 'INFO', message: 'a' },
            { level: 'TRACE', message: 'b' },
          ],
        },
        /^body\.logs\.1\.level: /,
      ],
      [
        { logs: [{ level: 'INFO', message: 'a\u0000' }] },
        /^body\.logs\.0\.message: must not contain the character U\+0000/,
      ],
      [{ logs: [{ level: 'INFO', message: 'x'.repeat(65537) }] }, /^body\.logs\.0\.message: /],
      [{ logs: [{ level: 'INFO' }] }, /^body\.logs\.0\.message: /],
      [
        { logs: [{ level: 'INFO', message: 'a', tags: {} }] },
        /^body\.logs\.0: unknown field\(s\) "tags"/,
      ],
      [{ logs: [] }, /^body\.logs: /],
      [{}, /^body\.logs: /],
    ];
    for (const [body, message] of cases) {
      expect(isStorableLogBatch(body)).toBe(false);
      const refused = generic(body);
      expect(refused.ok).toBe(false);
      expect(refused.ok ? '' : refused.message).toMatch(message);
    }
  });
});
