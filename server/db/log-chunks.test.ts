import { describe, expect, it } from 'vitest';
import { CHUNK_LINES, UNSEALED_END, rulesOutMost } from './log-chunks';

const chunk = (k: number, nodeKey = 1) => ({
  nodeKey,
  lo: k * CHUNK_LINES + 1,
  hi: (k + 1) * CHUNK_LINES,
});
const tail = (sealedChunks: number, nodeKey = 1) => ({
  nodeKey,
  lo: sealedChunks * CHUNK_LINES + 1,
  hi: UNSEALED_END,
});

describe('rulesOutMost', () => {
  it('holds when at most a quarter of the sealed chunks are candidates', () => {
    expect(rulesOutMost([chunk(3), tail(8)])).toBe(true);
    expect(rulesOutMost([chunk(0), chunk(5), tail(8)])).toBe(true);
    expect(rulesOutMost([chunk(0), chunk(5), chunk(6), tail(8)])).toBe(false);
  });

  it('counts the sealed chunks of every node run of a run', () => {
    expect(rulesOutMost([chunk(0, 1), chunk(1, 2), tail(4, 1), tail(4, 2)])).toBe(true);
    expect(rulesOutMost([chunk(0, 1), chunk(1, 2), tail(4, 1), tail(0, 2)])).toBe(false);
  });

  it('does not hold before anything is sealed: the tail is the whole scope', () => {
    expect(rulesOutMost([tail(0)])).toBe(false);
  });
});
