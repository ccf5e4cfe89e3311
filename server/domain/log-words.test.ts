import { describe, expect, it } from 'vitest';
import {
  ASCII,
  asciiLowered,
  chunkWords,
  decodeLineEntries,
  entryLevel,
  entryLine,
  LINE_EDGE,
  LISTED_PAIR_SEPARATOR_MAX,
  LISTED_PAIRS_MAX,
  NEWLINE_IN_MESSAGE,
  OVERLAP_MAX_GROUPS,
  PAIR_LINES,
  plainWords,
} from './log-words';

/**
 * A chunk's numbers (chunkWords' `numbers`) line by line: each line's numbers, its offset and its
 * level, read back from the entries; every character of the text in one of them.
 */
const numberLines = (numbers: string) => {
  const lines = [...numbers.matchAll(/([0-9 ]+)([^0-9 ]{3})/g)];
  expect(lines.map(([all]) => all).join('')).toBe(numbers);
  return lines.map(([, said, entry]) => {
    const [e] = [...decodeLineEntries(entry!)];
    return [said, entryLine(e!), entryLevel(e!)];
  });
};

/**
 * A chunk's listed pairs (chunkWords' `listedPairs`) read back: each pair's text and its lines
 * ([offset, level] each); every character of the text in one of them.
 */
const pairLines = (listedPairs: string) => {
  const records = listedPairs ? listedPairs.split('\n') : [];
  expect(records.map((r) => r.split(PAIR_LINES)).every((parts) => parts.length === 2)).toBe(true);
  return Object.fromEntries(
    records.map((r) => {
      const [pair, entries] = r.split(PAIR_LINES) as [string, string];
      const lines = [...decodeLineEntries(entries)];
      // Each line once.
      expect(lines.length * 3).toBe(entries.length);
      return [pair, lines.map((e) => [entryLine(e), entryLevel(e)])];
    }),
  );
};

/** The distinct words of `text` (one level for every line, none counted). */
const wordSet = (text: string) => {
  const { words, numbers } = chunkWords(text, '0'.repeat(text.split('\n').length), Infinity, 1);
  const distinct = new Set(numbers.split(/[^0-9]+/));
  return plainWords(`${words} ${[...distinct].join(' ')}`)
    .split(' ')
    .filter(Boolean)
    .sort()
    .join(' ');
};

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
      numbers: '',
      counted: 'a b c',
      counts: [
        [1, 0, 0, 1],
        [1, 1, 0, 0],
        [0, 2, 0, 0],
      ],
      // "a b a" and "c.c" say a word twice.
      repeated: 'a c',
      // Each adjacent pair in one line: none kept.
      pairs: '',
      pairCounts: [],
      // No word is listed: no listed pair.
      listedPairs: '',
      // Words of one character share no trigram.
      overlaps: '',
      // Around every "a": nothing (it starts and ends a line); before every "b" nothing (line 2
      // starts with it), after each a space; "c" ends a line, and starts a word of "c.c".
      edges: '\n\n\n \n\n',
    });
    const listed = chunkWords('a b a\nb c\na\nc.c', '0131', 3, 4);
    expect({
      ...listed,
      words: plainWords(listed.words),
      listedPairs: pairLines(listed.listedPairs!),
    }).toEqual({
      words: 'a b c',
      numbers: '',
      counted: '',
      counts: [],
      repeated: '',
      pairs: '',
      pairCounts: [],
      // Every word is listed: every adjacent pair, with its lines.
      listedPairs: {
        'a b': [[0, 0]],
        'b a': [[0, 0]],
        'b c': [[1, 1]],
        'c.c': [[3, 1]],
      },
      overlaps: '',
      edges: '',
    });
    expect(chunkWords('', '0', 1, 4)).toEqual({
      words: '',
      numbers: '',
      counted: '',
      counts: [],
      repeated: '',
      pairs: '',
      pairCounts: [],
      listedPairs: '',
      overlaps: '',
      edges: '',
    });
  });

  it('keeps the separators every occurrence of a counted word has before and after it in its line', () => {
    // "gate": ": ", "  " and "\t " before it (all end with a space), a space after; "open": a
    // space before, then nothing (line 1 ends), ", " and "," after: nothing common.
    const split = chunkWords('a: gate open\nb  gate open, x\nc\t gate open,y', '111', 3, 4);
    expect(split.counted).toBe('gate open');
    expect(split.edges.split('\n')).toEqual([' ', ' ', ' ', '']);
    // Up to EDGE_MAX of them; a newline inside a message (\u0001) is one of them.
    const long = chunkWords('x ---------- go ;\ny ---------- go ;\n\u0001 go ;', '111', 3, 4);
    expect(long.counted).toBe('go');
    expect(long.edges.split('\n')).toEqual([' ', ' ;']);
    // A word that ends every line saying it: LINE_EDGE after it (no separator ever follows it).
    const dashes = chunkWords('x ---------- go\ny ---------- go\nz ---------- go', '111', 3, 4);
    expect(dashes.edges.split('\n')).toEqual(['------- ', LINE_EDGE]);
    // Said at a line's start once and after separators elsewhere: nothing common before it.
    expect(chunkWords('go, a\n go, b\n:go, c', '111', 3, 4).edges).toBe('\n, ');
    // Starting every line saying it: LINE_EDGE before;
    // a newline inside a message is a separator, not a line's start.
    expect(chunkWords('go a\ngo b\ngo', '111', 3, 4).edges.split('\n')).toEqual([LINE_EDGE, '']);
    expect(chunkWords('go a\ngo b\n\u0001go c', '111', 3, 4).edges.split('\n')).toEqual(['', ' ']);
  });
});

describe('chunkWords: the lines of uncounted words', () => {
  /** Each word of `words` with its lines decoded as [offset, level]. */
  const lines = (words: string) =>
    Object.fromEntries(
      words
        .split(' ')
        .filter(Boolean)
        .map((token) => {
          const [word, entries] = token.split('!');
          return [word, [...decodeLineEntries(entries!)].map((n) => [n >> 2, n % 4])];
        }),
    );

  it('lists each uncounted word with its lines and their levels, a line once', () => {
    // Lines: "a b a" (level 0), "b c" (1), "a" (3), "c.c" (1)
    expect(lines(chunkWords('a b a\nb c\na\nc.c', '0131', 3, 4).words)).toEqual({
      a: [
        [0, 0],
        [2, 3],
      ],
      b: [
        [0, 0],
        [1, 1],
      ],
      c: [
        [1, 1],
        [3, 1],
      ],
    });
  });

  it('keeps words of digits alone apart, in numbers by line: each line’s, then its entry', () => {
    const split = chunkWords('id 42 x42 0x2a\n42 7\nnone\n9 7 9 007\n\n12', '013201', 3, 4);
    expect(plainWords(split.words)).toBe('0x2a id none x42');
    // Said twice in a line: once. Lines without numbers: nothing. Each line's numbers are followed
    // by its entry: its offset in the chunk and its level.
    expect(numberLines(split.numbers)).toEqual([
      ['42', 0, 0],
      ['42 7', 1, 1],
      ['9 7 007', 3, 2],
      ['12', 5, 1],
    ]);
    // A number counted (in minLines lines) is not there; a chunk without others has none.
    expect(numberLines(chunkWords('7 1\n7 2\n7 3', '111', 3, 4).numbers)).toEqual([
      ['1', 0, 1],
      ['2', 1, 1],
      ['3', 2, 1],
    ]);
    expect(chunkWords('7 a\n7\n7', '111', 3, 4).numbers).toBe('');
  });

  it('writes each line’s entry so that it reads back, at every offset and level of a chunk', () => {
    // Lines 0…4 999 say one number each, at every level in turn: every entry decodes back.
    const text = Array.from({ length: 5000 }, (_, i) => `n ${i * 7}`).join('\n');
    const levels = Array.from({ length: 5000 }, (_, i) => String(i % 4)).join('');
    const lines = numberLines(chunkWords(text, levels, 8, 4).numbers);
    expect(lines).toEqual(Array.from({ length: 5000 }, (_, i) => [String(i * 7), i, i % 4]));
  });

  it('writes the lines in characters that are neither letters, digits, spaces nor "!"', () => {
    const text = Array.from({ length: 4096 }, (_, i) => `w${i % 5} x${i}`).join('\n');
    const levels = Array.from({ length: 4096 }, (_, i) => String(i % 4)).join('');
    const { words, counted, numbers } = chunkWords(text, levels, 8, 4);
    expect(counted).toBe('w0 w1 w2 w3 w4');
    expect(numbers).toBe('');
    expect(plainWords(words).split(' ')).toHaveLength(4096);
    for (const token of words.split(' ')) {
      const [word, entries] = token.split('!');
      expect(entries).toMatch(/^[^A-Za-z0-9 !]{3}$/);
      const i = Number(word!.slice(1));
      // The last line of a chunk, at the last level, fits in the entry.
      expect([...decodeLineEntries(entries!)]).toEqual([i * 4 + (i % 4)]);
    }
  });

  it('counts a word held by minLines lines, however many times a line says it', () => {
    const text = Array.from({ length: 8 }, () => 'same same').join('\n');
    expect(chunkWords(text, '1'.repeat(8), 8, 4)).toEqual({
      words: '',
      numbers: '',
      counted: 'same',
      counts: [[0, 8, 0, 0]],
      repeated: 'same',
      pairs: 'same same',
      pairCounts: [[0, 8, 0, 0]],
      listedPairs: '',
      overlaps: '',
      edges: '\n',
    });
    expect(plainWords(chunkWords(text, '1'.repeat(8), 9, 4).words)).toBe('same');
  });
});

describe('chunkWords: the frequent pairs of words', () => {
  /** The pairs and their lines per level, as an object. */
  const pairsOf = (text: string, levels: string, minLines: number) => {
    const { pairs, pairCounts } = chunkWords(text, levels, minLines, 4);
    return Object.fromEntries(pairs ? pairs.split('\n').map((p, i) => [p, pairCounts[i]]) : []);
  };

  it('counts each pair of adjacent words with the separator between them, a line once', () => {
    const text = [
      'upstream returned 502',
      'upstream returned 503 upstream returned',
      'upstream  returned 1',
      'upstream, returned',
      'upstream returned',
    ].join('\n');
    expect(pairsOf(text, '01231', 2)).toEqual({
      'upstream returned': [1, 2, 0, 0],
    });
    expect(pairsOf(text, '01231', 1)).toEqual({
      'upstream returned': [1, 2, 0, 0],
      'upstream  returned': [0, 0, 1, 0],
      'upstream, returned': [0, 0, 0, 1],
      // "502", "503" and "1" are each in one line (uncounted at 2, counted at 1)
      'returned 502': [1, 0, 0, 0],
      'returned 503': [0, 1, 0, 0],
      '503 upstream': [0, 1, 0, 0],
      'returned 1': [0, 0, 1, 0],
    });
  });

  it('keeps a pair only when both its words are counted and it is in minLines lines', () => {
    const text = ['a b', 'a b', 'b a', 'a x b'].join('\n');
    expect(pairsOf(text, '1111', 2)).toEqual({ 'a b': [0, 2, 0, 0] });
    expect(pairsOf(text, '1111', 3)).toEqual({});
  });

  it('keeps hundreds of pairs, with separators of several characters', () => {
    const said: string[] = [];
    for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) said.push(`w${a} := w${b}`);
    const text = [...said, ...said].join('\n');
    const pairs = pairsOf(text, '1'.repeat(800), 2);
    expect(Object.keys(pairs)).toHaveLength(400);
    expect(pairs['w7 := w13']).toEqual([0, 2, 0, 0]);
    expect(pairsOf(text, '1'.repeat(800), 3)).toEqual({});
  });

  it('pairs the words of a chunk saying more words than its first buffer holds', () => {
    const text = Array.from({ length: 4096 }, (_, i) => `a b c d e f g h i j${i}`).join('\n');
    const pairs = pairsOf(text, '0'.repeat(4096), 8);
    expect(Object.keys(pairs)).toEqual(['a b', 'b c', 'c d', 'd e', 'e f', 'f g', 'g h', 'h i']);
    expect(pairs['h i']).toEqual([4096, 0, 0, 0]);
  });

  it('never pairs words of two lines, nor words around a newline inside a message', () => {
    // NEWLINE_IN_MESSAGE (\u0001) is what the sealer reads for a newline inside a message.
    const text = ['a b', 'b a', 'a\u0001b', 'a \u0001 b', 'a'].join('\n');
    expect(pairsOf(text, '11111', 1)).toEqual({ 'a b': [0, 1, 0, 0], 'b a': [0, 1, 0, 0] });
  });
});

describe('chunkWords: the pairs of words holding a listed word', () => {
  it('lists each pair with a listed word and its lines, a line once, and no pair of counted words or numbers', () => {
    // "ok" and "item" in every line (counted at 3); "reset", "peer", "x9" in fewer (listed); the
    // digits are numbers, never listed.
    const text = [
      'ok item connection reset by peer',
      'ok item 42',
      'ok item reset x9 reset x9',
      'ok item 42 x9',
    ].join('\n');
    const split = chunkWords(text, '1232', 3, 4);
    expect(plainWords(split.words)).toBe('by connection peer reset x9');
    expect(pairLines(split.listedPairs!)).toEqual({
      'item connection': [[0, 1]],
      'connection reset': [[0, 1]],
      'reset by': [[0, 1]],
      'by peer': [[0, 1]],
      'item reset': [[2, 3]],
      // Said twice in its line: that line once.
      'reset x9': [[2, 3]],
      'x9 reset': [[2, 3]],
      '42 x9': [[3, 2]],
    });
  });

  it('never pairs words of two lines, nor across a control character, nor a long separator', () => {
    const long = ' '.repeat(LISTED_PAIR_SEPARATOR_MAX + 1);
    const text = [
      `one${NEWLINE_IN_MESSAGE}two`,
      'three\tfour',
      `five${long}six`,
      `seven${' '.repeat(LISTED_PAIR_SEPARATOR_MAX)}eight`,
      'nine',
      'ten',
    ].join('\n');
    const split = chunkWords(text, '111111', 2, 4);
    expect(pairLines(split.listedPairs!)).toEqual({
      'three\tfour': [[1, 1]],
      [`seven${' '.repeat(LISTED_PAIR_SEPARATOR_MAX)}eight`]: [[3, 1]],
    });
  });

  it('keeps none (null) past LISTED_PAIRS_MAX characters', () => {
    // Every line a pair of its own words, listed: 20 characters a pair with its line.
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `w${i}a w${i}b`).join('\n');
    const fits = Math.floor(LISTED_PAIRS_MAX / 40);
    expect(chunkWords(lines(fits), '1'.repeat(fits), 2, 4).listedPairs).not.toBeNull();
    const over = Math.ceil(LISTED_PAIRS_MAX / 10);
    expect(chunkWords(lines(over), '1'.repeat(over), 2, 4).listedPairs).toBeNull();
  });
});

describe('chunkWords: the lines holding counted words that share three characters', () => {
  /** Each group of `overlaps` with its lines per level. */
  const groups = (overlaps: string | null) =>
    overlaps === null
      ? null
      : Object.fromEntries(
          overlaps
            .split('\n')
            .filter(Boolean)
            .map((group) => {
              const [words, counts] = group.split('!');
              return [words, counts!.split(',').map(Number)];
            }),
        );

  it('counts the lines holding such words per level, by the set of them, and no other line', () => {
    // Counted (2 lines or more): 10ms 20ms 100ms fail failed ok; "x100ms" once (not counted).
    const text = [
      '10ms 20ms ok', // 10ms and 20ms share "0ms"
      '10ms 20ms', //    the same words: the same group
      'fail failed 10ms 100ms ok', // fail/failed share "fai"…, 10ms/100ms share "0ms"
      '100ms x100ms', // a counted word and an uncounted one: not counted here
      'ok fail ok 10ms', // no two counted words sharing three characters
      'failed fail failed', // a word said twice is one word
      'ok 20ms 10ms ok', // the same set as the first two lines, said in another order
    ].join('\n');
    const { overlaps, counted } = chunkWords(text, '0132011', 2, 4);
    expect(counted).toBe('100ms 10ms 20ms fail failed ok');
    expect(groups(overlaps)).toEqual({
      '100ms 10ms fail failed': [0, 0, 0, 1],
      '10ms 20ms': [1, 2, 0, 0],
      'fail failed': [0, 1, 0, 0],
    });
  });

  it('counts none for words under three characters, or sharing fewer than three', () => {
    // Every word is counted (8 lines each): abc/bcd share "bc" only, bcd/cde "cd" only, ab is
    // too short, abx shares "ab" alone; with abcd instead of abx, it shares "abc" and "bcd".
    const text = Array.from({ length: 8 }, () => 'ab abc bcd cde ab abx').join('\n');
    expect(chunkWords(text, '1'.repeat(8), 8, 4).overlaps).toBe('');
    expect(groups(chunkWords(text.replace(/abx/g, 'abcd'), '1'.repeat(8), 8, 4).overlaps)).toEqual({
      'abc abcd bcd': [0, 8, 0, 0],
    });
  });

  it('gives up (null) past OVERLAP_MAX_GROUPS groups', () => {
    // Line i says "error" and "errors" beside its own pair of counted words "k<i>x k<i>y"
    // (sharing "k<i>"): a group of its own for each.
    const many = (n: number) =>
      Array.from({ length: 8 * n }, (_, i) => `error errors kk${i % n}x kk${i % n}y`).join('\n');
    const kept = groups(
      chunkWords(many(OVERLAP_MAX_GROUPS), '1'.repeat(8 * OVERLAP_MAX_GROUPS), 8, 4).overlaps,
    );
    expect(Object.keys(kept!)).toHaveLength(OVERLAP_MAX_GROUPS);
    expect(kept!['error errors kk0x kk0y']).toEqual([0, 8, 0, 0]);
    const over = OVERLAP_MAX_GROUPS + 1;
    expect(chunkWords(many(over), '1'.repeat(8 * over), 8, 4).overlaps).toBeNull();
  });
});
