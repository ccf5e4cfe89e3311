import type { Plugin } from 'vite';

/**
 * For the dashboard's build: `src/main.tsx` evaluates the app in stages through dynamic
 * imports, so each stage's module graph is a task of its own. Vite would fetch a stage's chunks
 * only when the stage before it has run (its preload helper starts at the `import()` call), one
 * round trip per stage; this adds `<link rel="modulepreload">` to index.html for every chunk the
 * entry imports dynamically and their static imports, and `<link rel="stylesheet">` for their
 * CSS, so all of them are fetched with the entry. Only the entry's own dynamic imports: the
 * routes' lazy pages (dynamic imports of the app's chunk) still load on demand.
 */
export function bootPreload(): Plugin {
  let base = '/';
  return {
    name: 'runboard-boot-preload',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        const entry = ctx.chunk;
        if (!bundle || !entry) return;
        const seen = new Set<string>([entry.fileName, ...entry.imports]);
        const chunks: string[] = [];
        const css: string[] = [];
        const visit = (fileName: string) => {
          if (seen.has(fileName)) return;
          seen.add(fileName);
          const chunk = bundle[fileName];
          if (!chunk || chunk.type !== 'chunk') return;
          for (const dep of chunk.imports) visit(dep);
          chunks.push(fileName);
          for (const file of chunk.viteMetadata?.importedCss ?? []) css.push(file);
        };
        for (const stage of entry.dynamicImports) visit(stage);
        return [
          ...css.map((file) => ({
            tag: 'link',
            attrs: { rel: 'stylesheet', crossorigin: true, href: `${base}${file}` },
            injectTo: 'head' as const,
          })),
          ...chunks.map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` },
            injectTo: 'head' as const,
          })),
        ];
      },
    },
  };
}
