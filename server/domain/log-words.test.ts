import { describe, expect, it } from 'vitest';
import { ASCII, asciiLowered, chunkWords } from './log-words';

/** The distinct words of `text` (one level for every line, none counted). */
const wordSet = (text: string) =>
  chunkWords(text, '0'.repeat(text.split('\n').length), Infinity, 1).words;

describe('chunkWords: the word set', () => {
  it('answers the distinct words between ASCII separators, sorted, joined by spaces', () => {
    expect(wordSet('b a\nb,c_d\te-f  a')).toBe('a b c d e f');
    expect(wordSet('x1 1x 0xdead 3.14')).toBe('0xdead 14 1x 3 x1');
  });

  it('keeps non-ASCII characters inside words and answers empty for a text without words', () => {
    expect(wordSet('naïve café 日本語 😀!')).toBe('café naïve 日本語 😀');
    expect(wordSet(' \n\t.,;')).toBe('');
    expect(wordSet('')).toBe('');
  });
});

describe('asciiLowered', () => {
  it('lower-cases ASCII text when the database lowers ASCII as JS does', () => {
    expect(asciiLowered('MiXeD Case 1', true)).toBe('mixed case 1');
    expect(asciiLowered('MiXeD', false)).toBeNull();
  });

  it('leaves colour codes and non-ASCII text to PostgreSQL', () => {
    expect(asciiLowered('\u001b[31mRED\u001b[0m', true)).toBeNull();
    expect(asciiLowered('İstanbul', true)).toBeNull();
    expect(asciiLowered('emoji 😀', true)).toBeNull();
  });

  it('has every ASCII character but NUL to check the database with', () => {
    expect(ASCII).toHaveLength(127);
    expect(ASCII).toContain('Z');
    expect(ASCII).not.toContain('\u0000');
  });
});

describe('chunkWords', () => {
  it('counts the lines holding each word per level, a line once, and splits at minLines', () => {
    // Lines: "a b a" (level 0), "b c" (1), "a" (3), "c.c" (1)
    const split = chunkWords('a b a\nb c\na\nc.c', '0131', 2, 4);
    expect(split).toEqual({
      words: '',
      counted: 'a b c',
      counts: [
        [1, 0, 0, 1],
        [1, 1, 0, 0],
        [0, 2, 0, 0],
      ],
    });
    expect(chunkWords('a b a\nb c\na\nc.c', '0131', 3, 4)).toEqual({
      words: 'a b c',
      counted: '',
      counts: [],
    });
    expect(chunkWords('', '0', 1, 4)).toEqual({ words: '', counted: '', counts: [] });
  });
});
