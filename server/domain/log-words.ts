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

/**
 * The 31 characters a listed word's lines are written in (LINE_DIGITS digits an entry, base 31):
 * ASCII punctuation but `!` (which follows the word) and the space (which separates words). None
 * is a letter or a digit, so a search term of letters and digits found in a chunk's `words` lies
 * inside a word, never inside its lines, and pg_trgm (which indexes letters and digits) sees the
 * words alone.
 */
export const LINE_ALPHABET = '"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
export const LINE_DIGITS = 3;
const LINE_CODE = new Int8Array(128).fill(-1);
for (let i = 0; i < LINE_ALPHABET.length; i++) LINE_CODE[LINE_ALPHABET.charCodeAt(i)] = i;

/** The first two digits of an entry, by n / 31. */
const ENTRY_HEAD = Array.from(
  { length: 31 * 31 },
  (_, k) => LINE_ALPHABET[Math.floor(k / 31)]! + LINE_ALPHABET[k % 31]!,
);

/**
 * A line of a chunk and its level as one number, `offset · ENTRY_LEVELS + level` (< 31³ listed):
 * entryOf makes it, entryLine and entryLevel take it apart.
 */
export const ENTRY_LEVELS = 4;
const entryOf = (offset: number, level: number) => offset * ENTRY_LEVELS + level;
export const entryLine = (entry: number) => Math.floor(entry / ENTRY_LEVELS);
export const entryLevel = (entry: number) => entry % ENTRY_LEVELS;

/** A listed entry (entryOf's) in LINE_DIGITS characters of LINE_ALPHABET. */
export const lineEntry = (n: number): string =>
  ENTRY_HEAD[Math.floor(n / 31)]! + LINE_ALPHABET[n % 31]!;

/**
 * The lines of listed entries (a concatenation of lineEntry's, as a count gathers them for the
 * words holding a term): each line once, as entryOf(offset, level). Characters outside the alphabet
 * are skipped a whole entry at a time (none are written).
 */
export function decodeLineEntries(entries: string): Set<number> {
  const lines = new Set<number>();
  for (let i = 0; i + LINE_DIGITS <= entries.length; i += LINE_DIGITS) {
    let n = 0;
    for (let d = 0; d < LINE_DIGITS; d++) {
      const code = LINE_CODE[entries.charCodeAt(i + d) & 127]!;
      n = code < 0 ? NaN : n * 31 + code;
    }
    if (!Number.isNaN(n)) lines.add(n);
  }
  return lines;
}

/** A word (or a term) of ASCII digits alone: kept in a chunk's `numbers`. */
export const DIGITS = /^[0-9]+$/;

/** A chunk's `words` without their listed lines: the word set alone. */
export const plainWords = (words: string) => words.replace(/![^ ]*/g, '');

/** A chunk's words as its search index row holds them (db/log-chunks.ts `insertChunks`). */
export interface ChunkWords {
  /**
   * The words held by fewer than `minLines` lines, sorted, joined by spaces, each followed by `!`
   * and its lines (offset in the chunk and level, LINE_DIGITS characters of LINE_ALPHABET each,
   * in line order): `needle!#$%` — so a term inside such words is counted, and its lines found,
   * from the row.
   */
  words: string;
  /**
   * The uncounted words of digits alone, by line, each line's followed by its entry (s21numbers,
   * numbersListed's): a term with a letter is never inside one (and a line's numbers — its own, a
   * request's, a checksum — are most of a chunk's words), so its search reads `words` alone. An
   * entry a line (not a number: listed beside each number, their lines took the chunk index from
   * 17.5 to 36.7 B a line in s10search, bench/log-storage.ts, two distinct numbers a line).
   */
  numbers: string;
  /** The words held by `minLines` lines or more, sorted, joined by spaces… */
  counted: string;
  /** …and for each of them, in the same order, its lines at each level (index = level). */
  counts: number[][];
  /**
   * The counted words some line says more than once, sorted, joined by spaces: a phrase whose
   * middle word is said once in every line holding it lies where its kept pairs meet
   * (db/log-chunks.ts chainLines).
   */
  repeated: string;
  /**
   * The adjacent pairs of words held by `minLines` lines or more: the first word, the separator
   * between them exactly as said, the second word (`upstream returned`, `user=alice`), sorted,
   * joined by newlines (which no pair holds: a newline ends a line)…
   */
  pairs: string;
  /** …and for each of them, in the same order, its lines at each level (a line once). */
  pairCounts: number[][];
  /**
   * The adjacent pairs of words one of which at least is listed (in `words`), with their lines
   * (listedPairs'), or null when they would take more than LISTED_PAIRS_MAX characters.
   */
  listedPairs: string | null;
  /**
   * The lines holding two or more counted words that share three characters, as counts of lines
   * per group of such words (chunkOverlaps'), or null past OVERLAP_MAX_GROUPS groups.
   */
  overlaps: string | null;
  /**
   * What every occurrence of each counted word has around it in its line (chunkEdges'): for each
   * counted word, in `counted`'s order, the separators every one of its occurrences is preceded
   * by, then those every one is followed by, newline-joined.
   */
  edges: string;
}

/**
 * A separator between two words that a pair never holds: the sealer's stand-in for a newline
 * inside a message (db/log-chunks.ts `chunkText`), so a pair whose separator holds it may stand for
 * either (it is not kept: a search term's separator never holds it, domain `pairTerm`).
 */
export const NEWLINE_IN_MESSAGE = '\u0001';

/**
 * The distinct words of a chunk's lines (`text`: one line each, lower-cased as asciiLowered's or
 * PostgreSQL's `lower()`) with the number of lines holding each word at each level (`levels`: one
 * digit a line, its level's index among `levelCount` levels). A line saying a word twice is one
 * line. Words held by `minLines` lines or more are `counted` with their counts (a search sums them
 * instead of reading the lines), the others are `words`; both sorted and joined by spaces:
 * neighbours share prefixes, so TOAST compresses the set better. (Sorted by UTF-16 code unit,
 * which differs from byte order only for a few non-ASCII words; `counts` follows `counted`'s
 * order, and a search reads `words` with LIKE.) Also the adjacent pairs of words held by
 * `minLines` lines or more (`pairs`: so both words are counted), each with its lines per level.
 * A scan by character code: ~0.6 µs a 100-byte line against ~1.1 µs for split(WORD_SEPARATORS).
 */
export function chunkWords(
  text: string,
  levels: string,
  minLines: number,
  levelCount: number,
): ChunkWords {
  // word → [the last line that held it, its id, its lines at level 0, 1, …, then its first
  // minLines lines as entryOf(line, level)] (one array a word: most words of a chunk are in one line)
  const seen = new Map<string, number[]>();
  const most = 2 + levelCount + minLines;
  // The ids of words said again in a line they were said in (once each time).
  const twice: number[] = [];
  // Every word said, in order: its id, where it starts and ends, its line (for the pairs).
  let said: Int32Array = saidWords;
  let saidCount = 0;
  let line = 0;
  let level = levels.charCodeAt(0) - 48;
  let start = -1;
  const take = (end: number) => {
    const word = text.slice(start, end);
    let entry = seen.get(word);
    if (!entry) {
      entry = new Array<number>(levelCount + 3).fill(0);
      entry[0] = line;
      entry[1] = seen.size;
      entry[level + 2] = 1;
      entry[levelCount + 2] = entryOf(line, level);
      seen.set(word, entry);
    } else if (entry[0] !== line) {
      entry[0] = line;
      entry[level + 2]!++;
      if (entry.length < most) entry.push(entryOf(line, level));
    } else twice.push(entry[1]!);
    const o = saidCount++ * 4;
    if (o + 4 > said.length) said = grown(said, text.length);
    said[o] = entry[1]!;
    said[o + 1] = start;
    said[o + 2] = end;
    said[o + 3] = line;
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
  // A word's id → 1 when it is an uncounted number.
  const isNumber = new Uint8Array(seen.size);
  // A word's id → 1 when it is listed (in `words`).
  const isListed = new Uint8Array(seen.size);
  const counted: string[] = [];
  const counts: number[][] = [];
  // A counted word's id → its index in `counted` (-1: not counted).
  const countedOf = new Int32Array(seen.size).fill(-1);
  const saidTwice = new Uint8Array(seen.size);
  for (const id of twice) saidTwice[id] = 1;
  const repeated: string[] = [];
  for (const word of [...seen.keys()].sort()) {
    const entry = seen.get(word)!;
    if (entry.length >= most) {
      countedOf[entry[1]!] = counted.length;
      counted.push(word);
      counts.push(entry.slice(2, levelCount + 2));
      if (saidTwice[entry[1]!]) repeated.push(word);
    } else if (DIGITS.test(word)) isNumber[entry[1]!] = 1;
    else {
      isListed[entry[1]!] = 1;
      let lines = '';
      for (let k = levelCount + 2; k < entry.length; k++) lines += lineEntry(entry[k]!);
      words.push(`${word}!${lines}`);
    }
  }
  const spoken = said.subarray(0, saidCount * 4);
  return {
    words: words.join(' '),
    numbers: numbersListed(text, levels, isNumber, spoken),
    counted: counted.join(' '),
    counts,
    repeated: repeated.join(' '),
    listedPairs: listedPairs(text, levels, isListed, spoken),
    overlaps: chunkOverlaps(counted, countedOf, spoken, levels, levelCount),
    edges: chunkEdges(text, counted.length, countedOf, spoken),
    ...chunkPairs({ text, levels, counted, countedOf }, spoken, minLines, levelCount),
  };
}

/**
 * A chunk's uncounted numbers by line with their lines (s21numbers, numbersListed's): for each line
 * saying any, its distinct uncounted words of digits alone in the order said, space-joined, then
 * its entry (lineEntry's: its offset in the chunk and its level, LINE_DIGITS characters of
 * LINE_ALPHABET) — `4097"""42 7""&` — so a number's line is the first entry after it: a term of
 * digits is counted from the row (db/log-chunks.ts numberLines) by splitting it at the term, each
 * piece's first entry its match's line, as a listed word's lines follow it in `words`. No entry
 * character is a digit or a space, nor a letter (pg_trgm, which indexes letters and digits, sees the
 * numbers alone). A line without such numbers writes nothing; a number said in COUNTED_MIN_LINES
 * lines is counted, not here. '' when no line says an uncounted number.
 *
 * (Chunks sealed from s19search to s21numbers hold the comma form instead — each line's numbers,
 * its level's mark of NUMBER_LINE_ENDS when not INFO, then `,`, for every line — whose match's line
 * is the commas before it: counting them cost ~0.25 ms a chunk, three times the rest of a count.)
 */
export const NUMBER_LINE_ENDS = '.,;:';

/**
 * The uncounted numbers of a chunk's lines, by line, each line's followed by its entry (see
 * NUMBER_LINE_ENDS' note above: the form).
 */
function numbersListed(
  text: string,
  levels: string,
  isNumber: Uint8Array,
  said: Int32Array,
): string {
  // Written as character codes (ASCII: digits, spaces and LINE_ALPHABET) into a buffer grown as
  // needed: strings joined cost 0.25 µs a line of the sealer's split, this ~0.1.
  let out = numbersOut;
  let n = 0;
  const room = (more: number) => {
    if (n + more <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, n + more));
    bigger.set(out.subarray(0, n));
    out = bigger;
  };
  // The line whose numbers are being written (-1: none yet), written after them as its entry.
  let open = -1;
  const close = () => {
    if (open < 0) return;
    const entry = lineEntry(entryOf(open, levels.charCodeAt(open) - 48));
    room(LINE_DIGITS);
    for (let d = 0; d < LINE_DIGITS; d++) out[n++] = entry.charCodeAt(d);
    open = -1;
  };
  // The last line (+1) each number was written in: a number said twice in a line is written once.
  const writtenIn = new Int32Array(isNumber.length);
  for (let o = 0; o < said.length; o += 4) {
    const id = said[o]!;
    if (!isNumber[id]) continue;
    const l = said[o + 3]!;
    if (writtenIn[id] === l + 1) continue;
    writtenIn[id] = l + 1;
    if (open !== l) close();
    const from = said[o + 1]!;
    const to = said[o + 2]!;
    room(to - from + 1);
    if (open === l) out[n++] = 32;
    for (let i = from; i < to; i++) out[n++] = text.charCodeAt(i);
    open = l;
  }
  close();
  if (out.length <= NUMBERS_OUT_KEPT) numbersOut = out;
  return Buffer.from(out.buffer, out.byteOffset, n).toString('latin1');
}

/** numbersListed's buffer, kept between chunks up to NUMBERS_OUT_KEPT bytes. */
const NUMBERS_OUT_KEPT = 1 << 20;
let numbersOut = new Uint8Array(1 << 16);

/**
 * The words said in a chunk, four numbers each (id, start, end, line), in a buffer kept between
 * chunks (grown as needed) up to SAID_KEPT numbers (a chunk of 4 096 lines of ~100 bytes says
 * ~60 000 words); a bigger one, for a chunk of long lines, is let go after it.
 */
const SAID_KEPT = 1 << 20;
let saidWords = new Int32Array(1 << 16);
function grown(said: Int32Array, characters: number): Int32Array {
  // A text of N characters says at most N / 2 + 1 words.
  const most = (Math.floor(characters / 2) + 1) * 4;
  const bigger = new Int32Array(Math.min(most, said.length * 4));
  bigger.set(said);
  if (bigger.length <= SAID_KEPT) saidWords = bigger;
  return bigger;
}

/**
 * The most separators chunkEdges keeps on either side of a counted word: a search term's
 * separators before (or after) its words longer than that read their chunks.
 */
export const EDGE_MAX = 8;

/**
 * chunkEdges' edge before (after) a counted word every occurrence of which starts (ends) its line:
 * no separator is ever there (`" processed"` in lines starting with "processed" counts none
 * without reading them). Not a separator, so a phrase's check of a separator never matches it
 * (chainLines reads such a chunk, as it did when the edge was ''). Written since session 18;
 * chunks sealed before say '' there (read).
 */
export const LINE_EDGE = '\u00b6';

/** A separator that a line's separators run holds (NEWLINE_IN_MESSAGE among them): not a newline. */
const inRun = (c: number) => c < 128 && SEPARATOR[c] === 1 && c !== 10;

/**
 * What every occurrence of each counted word in the chunk has around it within its line: the
 * longest run of separators (EDGE_MAX at most) that ends every separator run before it (LINE_EDGE
 * when every occurrence starts its line; '' when some do and some not, or two runs end
 * differently), and the longest that starts every run after it (LINE_EDGE when every occurrence
 * ends its line, '' when some do). For each counted word (`counted`'s order) the
 * one, a newline, the other; newline-joined (no run holds a newline: it ends a line). So a
 * phrase with a separator before it (` returned 502`) lies exactly where its words do in a chunk
 * where that separator ends every run before its first word, which is counted and whole
 * (db/log-chunks.ts chainLines) — instead of reading the chunk to look at each line. One look back
 * and ahead of each counted word said, comparing character codes with its first occurrence's.
 */
function chunkEdges(
  text: string,
  countedCount: number,
  countedOf: Int32Array,
  said: Int32Array,
): string {
  if (countedCount === 0) return '';
  // Per counted word: its first occurrence's start and end (where its runs are compared), and
  // the lengths common to every run so far (-1: not said yet).
  const startOf = new Int32Array(countedCount);
  const endOf = new Int32Array(countedCount);
  const before = new Int32Array(countedCount).fill(-1);
  const after = new Int32Array(countedCount).fill(-1);
  const last = text.length;
  for (let o = 0; o < said.length; o += 4) {
    const w = countedOf[said[o]!]!;
    if (w < 0) continue;
    const start = said[o + 1]!;
    const end = said[o + 2]!;
    const k = before[w]!;
    if (k === -1) {
      let n = 0;
      while (n < EDGE_MAX && start - n > 0 && inRun(text.charCodeAt(start - n - 1))) n++;
      startOf[w] = start;
      // No separator before it: it starts its line (a word's start follows a separator or a newline).
      before[w] = n === 0 ? -2 : n;
    } else if (k === -2) {
      if (start > 0 && text.charCodeAt(start - 1) !== 10) before[w] = 0;
    } else if (k > 0) {
      const at = startOf[w]!;
      let n = 0;
      while (
        n < k &&
        start - n > 0 &&
        text.charCodeAt(start - n - 1) === text.charCodeAt(at - n - 1)
      )
        n++;
      before[w] = n;
    }
    const m = after[w]!;
    if (m === -1) {
      let n = 0;
      while (n < EDGE_MAX && end + n < last && inRun(text.charCodeAt(end + n))) n++;
      endOf[w] = end;
      after[w] = n === 0 ? -2 : n;
    } else if (m === -2) {
      if (end < last && text.charCodeAt(end) !== 10) after[w] = 0;
    } else if (m > 0) {
      const at = endOf[w]!;
      let n = 0;
      while (n < m && end + n < last && text.charCodeAt(end + n) === text.charCodeAt(at + n)) n++;
      after[w] = n;
    }
  }
  const out: string[] = [];
  for (let w = 0; w < countedCount; w++)
    out.push(
      before[w] === -2 ? LINE_EDGE : text.slice(startOf[w]! - Math.max(0, before[w]!), startOf[w]!),
      after[w] === -2 ? LINE_EDGE : text.slice(endOf[w]!, endOf[w]! + Math.max(0, after[w]!)),
    );
  return out.join('\n');
}

/**
 * What ends a listed pair's text and starts its lines (listedPairs): a separator no listed pair
 * holds (none holds a control character), so a search finds a pair's lines after it.
 */
export const PAIR_LINES = '\u0002';

/** The longest separator a listed pair holds (a phrase with a longer one reads its chunks). */
export const LISTED_PAIR_SEPARATOR_MAX = 16;

/**
 * The most characters a chunk's listed pairs take: a chunk of lines with many rare words (ids,
 * hashes) would list most of its words twice over; past this it keeps none (null: a phrase of
 * rare words then reads the lines the listed words name, as before).
 */
export const LISTED_PAIRS_MAX = 1 << 16;

/**
 * The adjacent pairs of words of a chunk's lines one of which at least is listed (`isListed`: in
 * `words`, held by fewer than COUNTED_MIN_LINES lines), with their lines: for each, the first
 * word, the separator between them exactly as said, the second word, PAIR_LINES, then its lines
 * (lineEntry's, a line once, in line order); sorted, newline-joined. A phrase of two words whose
 * first word ends no counted word (or whose last word starts none) is held by a line exactly
 * where a pair listed here holds it whole (db/log-chunks.ts termLines): its first word then ends
 * a listed word (or its last starts one), and the pair holding that word is listed. So such a
 * phrase (`connection reset` where both words are rare) is counted from the row, not by reading
 * the lines the words are listed for. Pairs whose separator holds a control character other than
 * a tab (NEWLINE_IN_MESSAGE among them: no search term's separator holds one) or is longer than
 * LISTED_PAIR_SEPARATOR_MAX are left out; a listed pair is held by fewer than COUNTED_MIN_LINES
 * lines, as its listed word is. '' when none; null past LISTED_PAIRS_MAX characters.
 */
function listedPairs(
  text: string,
  levels: string,
  isListed: Uint8Array,
  said: Int32Array,
): string | null {
  const pairs = new Map<string, { last: number; lines: string }>();
  for (let o = 4; o < said.length; o += 4) {
    const l = said[o + 3]!;
    if (said[o - 1] !== l || (!isListed[said[o - 4]!] && !isListed[said[o]!])) continue;
    const from = said[o - 2]!;
    const to = said[o + 1]!;
    if (to - from > LISTED_PAIR_SEPARATOR_MAX) continue;
    let plain = true;
    for (let i = from; i < to && plain; i++) {
      const c = text.charCodeAt(i);
      plain = c >= 32 || c === 9;
    }
    if (!plain) continue;
    const pair = text.slice(said[o - 3]!, said[o + 2]!);
    const entry = lineEntry(entryOf(l, levels.charCodeAt(l) - 48));
    const known = pairs.get(pair);
    if (!known) pairs.set(pair, { last: l, lines: entry });
    else if (known.last !== l) {
      known.last = l;
      known.lines += entry;
    }
  }
  let size = 0;
  const out: string[] = [];
  for (const pair of [...pairs.keys()].sort()) {
    const record = pair + PAIR_LINES + pairs.get(pair)!.lines;
    size += record.length + 1;
    if (size > LISTED_PAIRS_MAX) return null;
    out.push(record);
  }
  return out.join('\n');
}

/** Separators of one character are keyed by their code, longer ones from here on. */
const LONG_SEPARATORS_FROM = 128;

/**
 * The adjacent pairs of counted words held by `minLines` lines or more, with their lines per
 * level: two words said one after the other in a line, and the separator between them, exactly
 * (a pair's word is a whole word). Only pairs of counted words can be held by that many lines. A
 * pair whose separator holds NEWLINE_IN_MESSAGE is never kept (it may stand for a newline): a
 * search then reads the chunk, as for any pair not kept. The pairs are found in an
 * open-addressing table of typed arrays (a Map keyed by number cost twice as much CPU a line).
 */
function chunkPairs(
  chunk: { text: string; levels: string; counted: string[]; countedOf: Int32Array },
  said: Int32Array,
  minLines: number,
  levelCount: number,
): Pick<ChunkWords, 'pairs' | 'pairCounts'> {
  const { text, levels, counted, countedOf } = chunk;
  if (counted.length === 0) return { pairs: '', pairCounts: [] };
  const separators = new Map<string, number>();
  const separatorText: string[] = [];
  // Per pair: its words, separator, last line, lines per level.
  const first: number[] = [];
  const second: number[] = [];
  const separator: number[] = [];
  const lastLine: number[] = [];
  const lines: number[] = [];
  // The table: pair index + 1 by hash (0: empty), a quarter full at most.
  let slots = new Int32Array(1024);
  const slotOf = (a: number, b: number, s: number) => {
    const mask = slots.length - 1;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(s, 0xc2b2ae3d)) & mask;
    for (;;) {
      const p = slots[h]! - 1;
      if (p < 0 || (first[p] === a && second[p] === b && separator[p] === s)) return h;
      h = (h + 1) & mask;
    }
  };
  for (let o = 4; o < said.length; o += 4) {
    const l = said[o + 3]!;
    if (said[o - 1] !== l) continue;
    const a = countedOf[said[o - 4]!]!;
    const b = countedOf[said[o]!]!;
    if (a < 0 || b < 0) continue;
    const from = said[o - 2]!;
    const to = said[o + 1]!;
    let s: number;
    if (to - from === 1) {
      s = text.charCodeAt(from);
      if (s === 1) continue;
    } else {
      const between = text.slice(from, to);
      const known = separators.get(between);
      if (known !== undefined) s = known;
      else {
        if (between.includes(NEWLINE_IN_MESSAGE)) continue;
        s = LONG_SEPARATORS_FROM + separatorText.length;
        separators.set(between, s);
        separatorText.push(between);
      }
    }
    let h = slotOf(a, b, s);
    let p = slots[h]! - 1;
    if (p < 0) {
      p = first.length;
      first.push(a);
      second.push(b);
      separator.push(s);
      lastLine.push(-1);
      for (let v = 0; v < levelCount; v++) lines.push(0);
      slots[h] = p + 1;
      if (first.length * 4 > slots.length) {
        slots = new Int32Array(slots.length * 4);
        for (let q = 0; q < first.length; q++) {
          h = slotOf(first[q]!, second[q]!, separator[q]!);
          slots[h] = q + 1;
        }
      }
    }
    if (lastLine[p] !== l) {
      lastLine[p] = l;
      lines[p * levelCount + levels.charCodeAt(l) - 48]!++;
    }
  }
  const kept: [string, number[]][] = [];
  for (let p = 0; p < first.length; p++) {
    const perLevel = lines.slice(p * levelCount, (p + 1) * levelCount);
    if (perLevel.reduce((sum, n) => sum + n, 0) < minLines) continue;
    const s = separator[p]!;
    const between =
      s < LONG_SEPARATORS_FROM ? String.fromCharCode(s) : separatorText[s - LONG_SEPARATORS_FROM]!;
    kept.push([counted[first[p]!]! + between + counted[second[p]!]!, perLevel]);
  }
  kept.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return { pairs: kept.map(([pair]) => pair).join('\n'), pairCounts: kept.map(([, n]) => n) };
}

/**
 * Groups a chunk may keep in its overlaps (chunkOverlaps): past them, null (a term inside several
 * counted words then reads the chunk, as before s18search). A group is its words and four counts,
 * ~25 bytes: at most ~1.6 B a stored line before compression.
 */
export const OVERLAP_MAX_GROUPS = 256;

/**
 * The lines of a chunk that hold two or more distinct counted words sharing three characters (a
 * trigram), grouped by the set of such words in the line: each group its words (in `counted`'s
 * order) space-joined, `!`, then how many lines hold exactly that set at each level,
 * comma-joined (`installed status!0,888,0,0`); groups sorted and newline-joined, '' when no line
 * holds such words, null past OVERLAP_MAX_GROUPS groups. Why that is enough: a term of 3 or more
 * characters inside two words is a trigram both share, so a line holding two counted words that
 * contain the term is in one of these groups, and the counted words of it that contain the term
 * are among its group's words. The lines holding one of the counted words containing a term are
 * then the sum of those words' counts less, for each group, its lines times the number of its
 * words containing the term minus one (when that is more than zero): each line once
 * (db/log-chunks.ts overlapExcess). Only the trigrams two or more counted words of the chunk
 * share are looked at (a word with none is skipped), each with the last line that said it and the
 * word that did, so a line costs a few typed-array reads.
 */
export function chunkOverlaps(
  counted: string[],
  countedOf: Int32Array,
  said: Int32Array,
  levels: string,
  levelCount: number,
): string | null {
  if (counted.length < 2) return '';
  // The trigrams of the counted words (each word's once), and how many words hold each.
  const trigramIds = new Map<string, number>();
  const holders: number[] = [];
  const wordTrigrams: number[][] = [];
  for (const word of counted) {
    const own: number[] = [];
    for (let i = 0; i + 3 <= word.length; i++) {
      const tri = word.slice(i, i + 3);
      let id = trigramIds.get(tri);
      if (id === undefined) {
        trigramIds.set(tri, (id = holders.length));
        holders.push(0);
      }
      if (!own.includes(id)) {
        own.push(id);
        holders[id]!++;
      }
    }
    wordTrigrams.push(own);
  }
  // Each counted word's shared trigrams (held by another counted word too), flattened.
  const firstShared = new Int32Array(counted.length + 1);
  const shared: number[] = [];
  for (let w = 0; w < counted.length; w++) {
    firstShared[w] = shared.length;
    for (const id of wordTrigrams[w]!) if (holders[id]! > 1) shared.push(id);
  }
  firstShared[counted.length] = shared.length;
  if (!shared.length) return '';
  // By trigram: the last line that said it (+1; 0: none yet) and the counted word that did.
  const triLine = new Int32Array(holders.length);
  const triWord = new Int32Array(holders.length);
  // By counted word: the last line that said it (+1), and the last line it shares a trigram in.
  const wordLine = new Int32Array(counted.length);
  const sharedLine = new Int32Array(counted.length);
  // The words of the line sharing a trigram with another, as found.
  const inGroup: number[] = [];
  const join = (w: number, line: number) => {
    if (sharedLine[w] === line + 1) return;
    sharedLine[w] = line + 1;
    inGroup.push(w);
  };
  // Group → lines per level: keyed by a * K + b for two words (most), else by the indexes joined.
  const groups = new Map<number | string, number[]>();
  const close = (line: number) => {
    if (inGroup.length === 0) return;
    const key =
      inGroup.length === 2
        ? Math.min(inGroup[0]!, inGroup[1]!) * counted.length + Math.max(inGroup[0]!, inGroup[1]!)
        : inGroup.sort((a, b) => a - b).join(' ');
    let perLevel = groups.get(key);
    if (!perLevel) groups.set(key, (perLevel = new Array<number>(levelCount).fill(0)));
    perLevel[levels.charCodeAt(line) - 48]!++;
    inGroup.length = 0;
  };
  let current = -1;
  for (let o = 0; o < said.length; o += 4) {
    const w = countedOf[said[o]!]!;
    if (w < 0 || firstShared[w] === firstShared[w + 1]) continue;
    const line = said[o + 3]!;
    if (line !== current) {
      if (current >= 0) close(current);
      current = line;
    }
    if (wordLine[w] === line + 1) continue;
    wordLine[w] = line + 1;
    for (let t = firstShared[w]!; t < firstShared[w + 1]!; t++) {
      const id = shared[t]!;
      if (triLine[id] !== line + 1) {
        triLine[id] = line + 1;
        triWord[id] = w;
      } else if (triWord[id] !== w) {
        join(triWord[id]!, line);
        join(w, line);
      }
    }
  }
  if (current >= 0) close(current);
  if (groups.size > OVERLAP_MAX_GROUPS) return null;
  const wordsOf = (key: number | string) =>
    typeof key === 'number'
      ? `${counted[Math.floor(key / counted.length)]!} ${counted[key % counted.length]!}`
      : key
          .split(' ')
          .map((w) => counted[Number(w)]!)
          .join(' ');
  return [...groups]
    .map(([key, perLevel]) => `${wordsOf(key)}!${perLevel.join(',')}`)
    .sort()
    .join('\n');
}
