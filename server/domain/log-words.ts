/**
 * The words of log lines, as a sealed chunk's word set holds them (issue 17: the search index,
 * db/log-chunks.ts). Words are what lies between separators — ASCII spaces, controls and
 * punctuation — in the text lower-cased and ANSI-stripped as PostgreSQL's `lower()` would (a
 * search term is lower-cased there, so both must agree: `asciiLowered`). The same
 * separators as db/log-chunks.ts `SEPARATORS` (PostgreSQL's regexp, which splits a search term):
 * a test compares the two on the same texts.
 */
// eslint-disable-next-line no-control-regex -- ASCII controls separate words, as in PostgreSQL's split
export const WORD_SEPARATORS = /[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/;

/** Every ASCII character but NUL (which text cannot hold), upper case among them. */
export const ASCII = Array.from({ length: 127 }, (_, k) => String.fromCharCode(k + 1)).join('');

/**
 * `text` lower-cased as PostgreSQL's `lower()` would, when that can be done here: text of ASCII
 * alone, without colour codes (ESC), in a database whose `lower()` maps ASCII as JS does (the
 * caller compares PostgreSQL's `lower(ASCII)` once: not so under a Turkish locale's dotless ı). Null
 * otherwise: PostgreSQL lower-cases it (and strips the colours).
 */
export function asciiLowered(text: string, asciiLowersAsJs: boolean): string | null {
  // eslint-disable-next-line no-control-regex -- ESC (colour codes) and non-ASCII go to PostgreSQL
  return asciiLowersAsJs && !/[\x1b\x80-\uffff]/.test(text) ? text.toLowerCase() : null;
}

/** ASCII separators by code (see WORD_SEPARATORS). */
const SEPARATOR = new Uint8Array(128).map((_, c) =>
  Number(c > 0 && WORD_SEPARATORS.test(String.fromCharCode(c))),
);

/** A chunk's words as its search index row holds them (db/log-chunks.ts `insertChunks`). */
export interface ChunkWords {
  /** The words held by fewer than `minLines` lines, sorted, joined by spaces. */
  words: string;
  /** The words held by `minLines` lines or more, sorted, joined by spaces… */
  counted: string;
  /** …and for each of them, in the same order, its lines at each level (index = level). */
  counts: number[][];
}

/**
 * The distinct words of a chunk's lines (`text`: one line each, lower-cased as asciiLowered's or
 * PostgreSQL's `lower()`) with the number of lines holding each word at each level (`levels`: one
 * digit a line, its level's index among `levelCount` levels). A line saying a word twice is one
 * line. Words held by `minLines` lines or more are `counted` with their counts (a search sums them
 * instead of reading the lines), the others are `words`; both sorted and joined by spaces:
 * neighbours share prefixes, so TOAST compresses the set better. (Sorted by UTF-16 code unit,
 * which differs from byte order only for a few non-ASCII words; `counts` follows `counted`'s
 * order, and a search reads `words` with LIKE.) A scan by character code: ~0.6 µs a 100-byte line
 * against ~1.1 µs for split(WORD_SEPARATORS).
 */
export function chunkWords(
  text: string,
  levels: string,
  minLines: number,
  levelCount: number,
): ChunkWords {
  // word → [the last line that held it, lines at level 0, 1, …]
  const seen = new Map<string, number[]>();
  let line = 0;
  let level = levels.charCodeAt(0) - 48;
  let start = -1;
  const take = (end: number) => {
    const word = text.slice(start, end);
    const entry = seen.get(word);
    if (!entry) {
      const counts = new Array<number>(levelCount + 1).fill(0);
      counts[0] = line;
      counts[level + 1] = 1;
      seen.set(word, counts);
    } else if (entry[0] !== line) {
      entry[0] = line;
      entry[level + 1]!++;
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && SEPARATOR[c]) {
      if (start >= 0) take(i);
      start = -1;
      if (c === 10) level = levels.charCodeAt(++line) - 48;
    } else if (start < 0) start = i;
  }
  if (start >= 0) take(text.length);
  const words: string[] = [];
  const counted: string[] = [];
  const counts: number[][] = [];
  for (const word of [...seen.keys()].sort()) {
    const perLevel = seen.get(word)!.slice(1);
    if (perLevel.reduce((a, b) => a + b, 0) >= minLines) {
      counted.push(word);
      counts.push(perLevel);
    } else words.push(word);
  }
  return { words: words.join(' '), counted: counted.join(' '), counts };
}
