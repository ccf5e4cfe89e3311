import { describe, expect, it } from 'vitest';
import {
  CHUNK_LINES,
  UNSEALED_END,
  chainCount,
  countableTerm,
  edgedWord,
  edgeSays,
  phraseTerm,
  rulesOutMost,
} from './log-chunks';
import { noteTermLowering } from './term-lowering';
import { EDGE_MAX } from '../domain/log-words';

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

describe('phraseTerm', () => {
  it('splits the words and the separator runs between them, the words lower-cased', () => {
    expect(phraseTerm('Upstream RETURNED')).toEqual({
      words: ['upstream', 'returned'],
      separators: [' '],
    });
    expect(phraseTerm('user=alice')).toEqual({ words: ['user', 'alice'], separators: ['='] });
    expect(phraseTerm('failed:  Upstream')?.separators).toEqual([':  ']);
    expect(phraseTerm('a\tbcd')).toBeNull();
    expect(phraseTerm('abc\tdef')?.separators).toEqual(['\t']);
    // Three words or more, middle words of any length; a last word of digits (s19search).
    expect(phraseTerm('Upstream returned 502')).toEqual({
      words: ['upstream', 'returned', '502'],
      separators: [' ', ' '],
    });
    expect(phraseTerm('connection reset by peer')?.words).toEqual([
      'connection',
      'reset',
      'by',
      'peer',
    ]);
    expect(phraseTerm('returned 502')?.words).toEqual(['returned', '502']);
  });

  it('keeps the separators before and after the phrase apart (s20search)', () => {
    expect(phraseTerm(' Returned 502')).toEqual({
      words: ['returned', '502'],
      separators: [' '],
      before: ' ',
      after: '',
    });
    expect(phraseTerm('upstream returned, ')).toEqual({
      words: ['upstream', 'returned'],
      separators: [' '],
      before: '',
      after: ', ',
    });
    expect(phraseTerm('\t(pool drained: 502) ')).toEqual({
      words: ['pool', 'drained', '502'],
      separators: [' ', ': '],
      before: '\t(',
      after: ') ',
    });
    // Up to EDGE_MAX separators on either side.
    expect(phraseTerm(`${'-'.repeat(EDGE_MAX)}upstream returned`)?.before).toHaveLength(EDGE_MAX);
    expect(phraseTerm(`${'-'.repeat(EDGE_MAX + 1)}upstream returned`)).toBeNull();
  });

  it('leaves to the lines what the pairs cannot tell', () => {
    for (const q of [
      ' 502 after', // a first word of digits alone, with a separator before it too
      'upstream returned\n', // a newline after: never in a chunk's edges
      '502 after', // a first word of digits alone
      'user=42', // an edge word under 3 characters
      'by peer',
      'upstream\nreturned', // a newline: never inside a pair
      'upstream\u0001returned', // the sealer's stand-in for one
      'café latte', // not ASCII
      'upstream', // one word
    ])
      expect(phraseTerm(q), JSON.stringify(q)).toBeNull();
  });
});

describe('edgedWord', () => {
  it('takes one word of 3 or more with separators before and/or after it, lower-cased', () => {
    expect(edgedWord(' Failed')).toEqual({ word: 'failed', before: ' ', after: '' });
    expect(edgedWord('FAILED ')).toEqual({ word: 'failed', before: '', after: ' ' });
    expect(edgedWord('failed:')).toEqual({ word: 'failed', before: '', after: ':' });
    expect(edgedWord('\t(502) ')).toEqual({ word: '502', before: '\t(', after: ') ' });
    expect(edgedWord(`${'-'.repeat(EDGE_MAX)}abc`)?.before).toHaveLength(EDGE_MAX);
  });

  it('leaves other terms to the other counts, or to the lines', () => {
    for (const q of [
      'failed', // no separator: countableTerm's
      ' upstream returned', // two words: phraseTerm's
      ' ab', // under 3 characters
      'failed\n', // a newline: never in a chunk's edges
      '\u0001failed', // the sealer's stand-in for one
      ' café', // not ASCII
      `${'-'.repeat(EDGE_MAX + 1)}abc`, // longer than the edges keep
      ' ', // no word
    ])
      expect(edgedWord(q), JSON.stringify(q)).toBeNull();
  });
});

describe('edgeSays', () => {
  it('says all when every run ends (starts) with the separator, none when none can', () => {
    expect(edgeSays(': ', ' ', 'before')).toBe('all');
    expect(edgeSays(': ', ': ', 'before')).toBe('all');
    expect(edgeSays(' ', ': ', 'before')).toBe('unknown'); // a run " " or ": "
    expect(edgeSays('', ' ', 'before')).toBe('unknown'); // a line's start, or runs that differ
    expect(edgeSays(' ', ':', 'before')).toBe('none');
    expect(edgeSays('= ', ': ', 'before')).toBe('none');
    expect(edgeSays(': ', ':', 'after')).toBe('all');
    expect(edgeSays(':', ': ', 'after')).toBe('unknown');
    expect(edgeSays(': ', ' ', 'after')).toBe('none');
    expect(edgeSays('', '', 'after')).toBe('all'); // no separator asked
  });
});

describe('chainCount', () => {
  // Two pairs (A B, B C) then the middle word B, 4 levels each.
  it('counts the pair whose neighbours hold every line of their middle word', () => {
    // "A B" in every line of B: the phrase is where "B C" is.
    expect(chainCount([5, 1, 0, 2, 3, 1, 0, 1, 5, 1, 0, 2], 2, [0, 1, 2, 3])).toBe(5);
    expect(chainCount([5, 1, 0, 2, 3, 1, 0, 1, 5, 1, 0, 2], 2, [3])).toBe(1);
    // "B C" in every line of B: where "A B" is.
    expect(chainCount([3, 1, 0, 1, 5, 1, 0, 2, 5, 1, 0, 2], 2, [0])).toBe(3);
    // Neither: the lines of both pairs may not be the same ones.
    expect(chainCount([3, 1, 0, 1, 4, 1, 0, 2, 5, 1, 0, 2], 2, [0])).toBeNull();
    // Equal in all but one level is not equal.
    expect(chainCount([5, 1, 0, 1, 3, 1, 0, 1, 5, 1, 0, 2], 2, [0])).toBeNull();
    // One pair: its lines.
    expect(chainCount([2, 3, 4, 5], 1, [1, 3])).toBe(8);
  });

  it('chains four words: every pair but one holds every line of the middle word towards it', () => {
    // Pairs AB, BC, CD; words B, C. AB = B's lines and CD = C's lines: BC's.
    const chain = [7, 0, 0, 0, 4, 0, 0, 0, 9, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0];
    expect(chainCount(chain, 3, [0])).toBe(4);
    // CD short of C's lines, BC = C's lines, AB = B's: CD's.
    expect(chainCount([7, 0, 0, 0, 9, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0], 3, [0])).toBe(
      6,
    );
    // BC = B's lines but AB short and CD short: no pair has both sides full.
    expect(
      chainCount([6, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0], 3, [0]),
    ).toBeNull();
  });
});

describe('terms counted from the chunks’ rows', () => {
  it('are none in a database whose lower() maps ASCII otherwise (a Turkish locale’s I → ı)', () => {
    expect(countableTerm('FAILED')).toBe('failed');
    expect(phraseTerm('upstream returned')).not.toBeNull();
    expect(edgedWord(' FAILED')).not.toBeNull();
    noteTermLowering(false);
    try {
      // The sealer's words are PostgreSQL's lower-casing there ('faıled'): the lines are read.
      expect(countableTerm('FAILED')).toBeNull();
      expect(phraseTerm('upstream returned')).toBeNull();
      expect(edgedWord(' FAILED')).toBeNull();
    } finally {
      noteTermLowering(true);
    }
  });
});
