import { crc32, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BLOCK_LINES, crc32Combine, logPageGzipStats, pageGzip, pageText } from './log-page-gzip';

const lines = Array.from({ length: 5_000 }, (_, i) =>
  JSON.stringify({ seq: i + 1, log: `line ${i + 1} ${'é✓'.repeat(i % 11)}` }),
);
const page = (scope: string, after: number, n: number) => ({
  scope,
  after,
  lines: lines.slice(after, after + n),
  suffix: `],"nextCursor":"${after + n}","counts":{"INFO":${after + n}}}`,
});

describe('log page gzip from kept blocks', () => {
  it('combines CRC-32s as zlib computes the whole', () => {
    const a = Buffer.from('{"ok":true,"logs":[');
    for (const n of [0, 1, 255, 65_537, 1_000_003]) {
      const b = Buffer.alloc(n, 'x✓');
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
    }
  });

  it('inflates to the page text for any cursor and length, each whole block built once', async () => {
    let seed = 5;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 100; i++) {
      const after = rand(lines.length);
      const p = page('n:a', after, rand(lines.length - after + 1));
      const text = gunzipSync(await pageGzip(p)).toString('utf8');
      expect(text).toBe(pageText(p));
      expect(JSON.parse(text)).toMatchObject({ ok: true });
    }
    const before = logPageGzipStats();
    await pageGzip(page('n:a', 0, lines.length));
    const after = logPageGzipStats();
    // Every whole block of the log was made by the random pages already.
    expect(after.built).toBe(before.built);
    expect(after.reused - before.reused).toBe(Math.floor(lines.length / BLOCK_LINES));
  });

  it('stays right past its bound: blocks put out are made again', async () => {
    for (let s = 0; s < 60; s++) await pageGzip(page(`n:s${s}`, 0, lines.length));
    const p = page('n:s0', 10, 3_000);
    expect(gunzipSync(await pageGzip(p)).toString('utf8')).toBe(pageText(p));
  });
});
