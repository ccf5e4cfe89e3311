import { readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { COMPRESS_MIN_BYTES, PRECOMPRESSED_FILE } from '../server/http/compress.ts';

/**
 * Brotli's quality: 9 makes the built assets ~7 % bigger than 11 but costs ~0.5 s of a build
 * instead of ~2.4 s (measured on the dashboard's ~2.2 MB of scripts and styles), and `npm start`
 * builds on first start.
 */
const BROTLI_QUALITY = 9;

/**
 * Written whole or not at all (a temporary file renamed): a server serving the build while it is
 * rebuilt never sends a half-written copy marked immutable.
 */
function writeAtomically(file: string, bytes: Buffer) {
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file of `dir` (recursively) of at
 * least COMPRESS_MIN_BYTES, so the server sends the built assets as they are (serveStatic's
 * `precompressed`) instead of gzipping each on every request. Source maps are left alone: only
 * developer tools fetch them. Answers the files compressed.
 */
export function precompressDir(dir: string): string[] {
  const done: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = statSync(file);
    if (stat.isDirectory()) {
      done.push(...precompressDir(file));
      continue;
    }
    if (!PRECOMPRESSED_FILE.test(name) || stat.size < COMPRESS_MIN_BYTES) continue;
    const bytes = readFileSync(file);
    writeAtomically(
      `${file}.br`,
      brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
    );
    writeAtomically(`${file}.gz`, gzipSync(bytes, { level: 9 }));
    done.push(file);
  }
  return done;
}

/** For the dashboard's build: precompressDir on the output once every file is written. */
export function precompressAssets(): Plugin {
  let outDir = 'dist';
  let write = true;
  return {
    name: 'runboard-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      // A build that writes nothing (vite-boot-chunks.ts's first pass) leaves outDir as it was.
      write = config.build.write;
    },
    closeBundle() {
      if (write) precompressDir(outDir);
    },
  };
}
