/**
 * The words of log lines, as a sealed chunk's word set holds them (issue 17: the search index,
 * db/log-chunks.ts). Words are what lies between separators — ASCII spaces, controls and
 * punctuation — in the lower-cased, ANSI-stripped text that PostgreSQL hands the sealer (its
 * `lower()`, so the word sets and a search term, lower-cased there too, always agree). The same
 * separators as db/log-chunks.ts `SEPARATORS` (PostgreSQL's regexp, which splits a search term):
 * a test compares the two on the same texts.
 */
// eslint-disable-next-line no-control-regex -- ASCII controls separate words, as in PostgreSQL's split
export const WORD_SEPARATORS = /[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/;

/**
 * The distinct words of `text` (any number of lines, joined by a separator such as `\n`), sorted
 * and joined by spaces: neighbours share prefixes, so TOAST compresses the set better. (Sorted by
 * UTF-16 code unit, which differs from byte order only for a few non-ASCII words; the order is
 * for compression, a search reads the set with LIKE.) Empty when the text has no word.
 */
export function wordSet(text: string): string {
  const words = new Set(text.split(WORD_SEPARATORS));
  words.delete('');
  return [...words].sort().join(' ');
}
