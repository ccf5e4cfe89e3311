/**
 * Builds the dashboard into a directory, for A/B runs of bench/run-page-ab.ts (build the code
 * before a change into one directory and after it into another):
 * `npx tsx bench/build-app.ts <outDir> [nominify]` (`nominify` keeps function names for profiles).
 */
import path from 'node:path';
import { build } from 'vite';
const ROOT = path.resolve(import.meta.dirname, '..');
await build({
  configFile: path.join(ROOT, 'vite.config.ts'),
  root: ROOT,
  logLevel: 'warn',
  build: {
    outDir: process.argv[2]!,
    emptyOutDir: true,
    sourcemap: false,
    minify: process.argv[3] !== 'nominify',
  },
});
