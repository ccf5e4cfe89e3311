import { describe, expect, it } from 'vitest';
import { CHUNK_LINES, UNSEALED_END, countableTerm, pairTerm, rulesOutMost } from './log-chunks';
import { noteTermLowering } from './term-lowering';

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

describe('pairTerm', () => {
  it('splits two words and the separator run between them, the words lower-cased', () => {
    expect(pairTerm('Upstream RETURNED')).toEqual({
      first: 'upstream',
      separator: ' ',
      second: 'returned',
    });
    expect(pairTerm('user=alice')).toEqual({ first: 'user', separator: '=', second: 'alice' });
    expect(pairTerm('failed:  Upstream')?.separator).toBe(':  ');
    expect(pairTerm('a\tbcd')).toBeNull();
    expect(pairTerm('abc\tdef')?.separator).toBe('\t');
  });

  it('leaves to the lines what a pair cannot tell', () => {
    for (const q of [
      ' upstream returned', // a separator before: what precedes the first word
      'upstream returned ', // or after
      'upstream returned 502', // three words
      'returned 502', // a word of digits alone
      '502 after',
      'user=42', // a word under 3 characters
      'upstream\nreturned', // a newline: never inside a pair
      'upstream\u0001returned', // the sealer's stand-in for one
      'café latte', // not ASCII
      'upstream', // one word
    ])
      expect(pairTerm(q), JSON.stringify(q)).toBeNull();
  });
});

describe('terms counted from the chunks’ rows', () => {
  it('are none in a database whose lower() maps ASCII otherwise (a Turkish locale’s I → ı)', () => {
    expect(countableTerm('FAILED')).toBe('failed');
    expect(pairTerm('upstream returned')).not.toBeNull();
    noteTermLowering(false);
    try {
      // The sealer's words are PostgreSQL's lower-casing there ('faıled'): the lines are read.
      expect(countableTerm('FAILED')).toBeNull();
      expect(pairTerm('upstream returned')).toBeNull();
    } finally {
      noteTermLowering(true);
    }
  });
});
