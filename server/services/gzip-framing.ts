/**
 * The gzip framing (RFC 1952) around raw DEFLATE pieces compressed once and shared by many
 * responses: the log tail's events (routes/log-tail.ts) and the log poll's pages
 * (log-page-gzip.ts). Each response adds the header, its pieces, and a trailer of the CRC-32 and
 * length of the text they inflate to.
 */

/** A member header: deflate, no flags, no time, unknown OS. */
export const GZIP_HEADER = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);

/** A final fixed-Huffman block holding only its end code: ends pieces that all sync-flushed. */
export const EMPTY_FINAL_BLOCK = Uint8Array.of(0x03, 0x00);

/** The member's trailer: the CRC-32 of the inflated text and its length modulo 2^32. */
export function gzipTrailer(crc: number, length: number): Uint8Array {
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, length % 2 ** 32, true);
  return trailer;
}
