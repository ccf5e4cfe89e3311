// Builds the SPA into dist/ when it is missing or older than its sources (or always with --force),
// so `npm start` serves the current dashboard without a separate build step.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'dist', 'index.html');

function newestMtime(entry) {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

const sources = [
  'src',
  'contract',
  'public',
  'scripts',
  'index.html',
  'vite.config.ts',
  'package-lock.json',
]
  .map((p) => path.join(root, p))
  .filter((p) => existsSync(p));
const stale =
  process.argv.includes('--force') ||
  !existsSync(built) ||
  Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;

if (stale) {
  console.log('Building the dashboard (vite build)…');
  execSync('npx vite build --logLevel warn', {
    cwd: root,
    stdio: 'inherit',
    // Vite's notice about a future config loader (imports without a .ts extension) is for whoever
    // changes vite.config.ts (`npm run build` still shows it), not for someone starting the server.
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
}
