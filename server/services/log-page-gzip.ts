import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import { GZIP_HEADER, gzipTrailer } from './gzip-framing';

/**
 * gzip for log poll pages, with the lines compressed once per server rather than once per poll.
 * A scope's lines are cut into aligned blocks of BLOCK_LINES (seq 1–256, 257–512, …); a block a
 * page holds whole is deflated once (raw DEFLATE ending in a sync flush, so it ends on a byte
 * boundary and refers to nothing before it) and kept with its CRC-32 and length. A page's gzip is
 * then its gzip header, the deflated text before its first whole block (`{"ok":true,"logs":[`
 * and the lines up to the boundary), the kept blocks (with a deflated `,` between them), the
 * deflated rest (the lines after the last boundary and `],"nextCursor":…,"counts":…}`, which
 * changes with every write, so it is never kept), and the trailer: the CRC-32 combined from the
 * pieces' and the length. It inflates to exactly the text `pageText` gives, byte for byte; 200
 * viewers of one busy node each pay for at most 2 × 255 lines of their own, wherever their cursor.
 */
export const BLOCK_LINES = 256;
/** Kept blocks, least recently used out first: ~64 blocks a scope for 16 scopes. */
const BLOCKS = 1024;
/** …and at most this many compressed bytes in all. */
const BLOCK_BYTES = 32 * 1024 * 1024;

const deflateAsync = promisify(deflateRaw);
const COMMA_TEXT = Buffer.from(',');
/** `,` between two kept blocks, deflated once. */
const COMMA: Piece = {
  bytes: deflateRawSync(COMMA_TEXT, { finishFlush: constants.Z_SYNC_FLUSH }),
  crc: crc32(COMMA_TEXT),
  length: 1,
};

interface Piece {
  bytes: Buffer;
  crc: number;
  /** Length of the text it inflates to, in bytes. */
  length: number;
}

const blocks = new Map<string, Promise<Piece>>();
const sizes = new Map<string, number>();
let keptBytes = 0;
const stats = { built: 0, reused: 0 };

/** Blocks deflated and blocks reused, for tests and the bench. */
export const logPageGzipStats = () => ({ ...stats });

async function deflated(text: string, final: boolean): Promise<Piece> {
  const raw = Buffer.from(text, 'utf8');
  const bytes = await deflateAsync(raw, {
    level: constants.Z_BEST_SPEED,
    finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
  });
  return { bytes, crc: crc32(raw), length: raw.length };
}

function block(key: string, lines: readonly string[]): Promise<Piece> {
  let piece = blocks.get(key);
  if (piece) {
    stats.reused++;
    blocks.delete(key);
    blocks.set(key, piece);
    return piece;
  }
  stats.built++;
  piece = deflated(lines.join(','), false);
  blocks.set(key, piece);
  const made = piece;
  made.then(
    (p) => {
      if (blocks.get(key) !== made) return; // put out before it was made
      sizes.set(key, p.bytes.length);
      keptBytes += p.bytes.length;
      while (blocks.size > 1 && (blocks.size > BLOCKS || keptBytes > BLOCK_BYTES)) {
        const oldest = blocks.keys().next().value!;
        blocks.delete(oldest);
        keptBytes -= sizes.get(oldest) ?? 0;
        sizes.delete(oldest);
      }
    },
    () => {
      if (blocks.get(key) === made) blocks.delete(key);
    },
  );
  return piece;
}

// CRC-32 of two texts joined, from theirs and the second's length (zlib 1.2.12's crc32_combine:
// multiply by x^(8 * len2) modulo the polynomial, from a table of x^(2^n)).
const POLY = 0xedb88320;
function multModP(a: number, b: number) {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}
const X2N = new Uint32Array(32);
X2N[0] = 0x40000000;
for (let n = 1; n < 32; n++) X2N[n] = multModP(X2N[n - 1]!, X2N[n - 1]!);
function x2nModP(n: number, k: number) {
  let p = 0x80000000;
  while (n) {
    if (n % 2) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}
export const crc32Combine = (crc1: number, crc2: number, len2: number) =>
  (multModP(x2nModP(len2, 3), crc1 >>> 0) ^ crc2) >>> 0;

/** A page from serialized lines: seq `after + 1` on, in `scope` (a key naming the node run or run). */
export interface LogPageParts {
  scope: string;
  after: number;
  lines: readonly string[];
  /** The text after the lines: `],"nextCursor":…}`. */
  suffix: string;
}

const PREFIX = '{"ok":true,"logs":[';

/** The page's JSON text. */
export const pageText = (p: LogPageParts) => `${PREFIX}${p.lines.join(',')}${p.suffix}`;

/** The page's JSON text gzipped, its whole blocks from (or into) the kept blocks. */
export async function pageGzip(p: LogPageParts): Promise<Buffer> {
  // The page's items: text of its own, or a whole aligned block.
  const parts: (string | Promise<Piece>)[] = [];
  let text = PREFIX;
  const first = p.after + 1;
  const last = p.after + p.lines.length;
  let seq = first;
  while (seq <= last) {
    const blockStart = Math.ceil((seq - 1) / BLOCK_LINES) * BLOCK_LINES + 1;
    const blockEnd = blockStart + BLOCK_LINES - 1;
    if (seq === blockStart && blockEnd <= last) {
      if (seq !== first) text += ',';
      parts.push(text);
      text = '';
      parts.push(
        block(`${p.scope}:${blockStart}`, p.lines.slice(seq - first, blockEnd - first + 1)),
      );
      seq = blockEnd + 1;
    } else {
      const end = Math.min(last, seq === blockStart ? last : blockStart - 1);
      const own = p.lines.slice(seq - first, end - first + 1).join(',');
      text += seq !== first ? `,${own}` : own;
      seq = end + 1;
    }
  }
  parts.push(text + p.suffix);
  const pieces = await Promise.all(
    parts.map((part, i) =>
      typeof part !== 'string'
        ? part
        : i === parts.length - 1
          ? deflated(part, true)
          : part === ','
            ? COMMA
            : part === ''
              ? null
              : deflated(part, false),
    ),
  );
  let crc = 0;
  let length = 0;
  const out: Uint8Array[] = [GZIP_HEADER];
  for (const piece of pieces) {
    if (!piece) continue;
    out.push(piece.bytes);
    crc = crc32Combine(crc, piece.crc, piece.length);
    length += piece.length;
  }
  out.push(gzipTrailer(crc, length));
  return Buffer.concat(out);
}
