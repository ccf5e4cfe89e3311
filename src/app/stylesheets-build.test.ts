import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build, createLogger, type Logger } from 'vite';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function stylesheets(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return stylesheets(file);
    return entry.name.endsWith('.css') ? [file] : [];
  });
}

/**
 * The dashboard's own stylesheets go through Vite's real CSS pipeline (postcss.config.mjs, CSS
 * modules, its URL rewriting) without a warning, so `npm run build` and a building `npm start`
 * stay quiet and a new warning is seen. A CSS module's `composes: … from` another file made
 * Vite print "A PostCSS plugin did not pass the `from` option" on every build.
 */
describe('the stylesheets under src/', () => {
  it('build without warnings', async () => {
    const files = stylesheets(path.join(root, 'src'));
    expect(files.length).toBeGreaterThan(3);
    const warnings: string[] = [];
    const base = createLogger('warn', { allowClearScreen: false });
    const logger: Logger = {
      ...base,
      warn: (msg) => warnings.push(msg),
      warnOnce: (msg) => warnings.push(msg),
      error: (msg) => warnings.push(msg),
    };
    await build({
      configFile: false,
      root,
      logLevel: 'warn',
      customLogger: logger,
      plugins: [
        {
          name: 'every-stylesheet',
          resolveId: (id) => (id === 'virtual:stylesheets' ? '\0virtual:stylesheets' : null),
          load: (id) =>
            id === '\0virtual:stylesheets'
              ? files
                  .map((f, i) =>
                    f.endsWith('.module.css')
                      ? `import s${i} from ${JSON.stringify(f)}; console.log(s${i});`
                      : `import ${JSON.stringify(f)};`,
                  )
                  .join('\n')
              : null,
        },
      ],
      build: {
        write: false,
        minify: false,
        rollupOptions: { input: 'virtual:stylesheets' },
      },
    });
    expect(warnings).toEqual([]);
  });
});
