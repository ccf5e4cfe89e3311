import type { Plugin } from 'vite';

/**
 * V8's explicit compile hint: a file starting with this comment has every function compiled
 * eagerly, on the background thread that streams the script in as it downloads, instead of
 * lazily on the main thread the first time each is called (Chromium 136+, module scripts
 * included; other engines ignore the comment).
 */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/**
 * For the dashboard's build: marks with {@link COMPILE_HINT} the chunks of the boot stages (the
 * entry, its dynamic imports and their static imports: what `scripts/vite-boot-preload.ts`
 * preloads), so React DOM, the router, Mantine and the app's shell compile while they download.
 * Without it a cold load of the run page compiled ~2 400 functions lazily on the main thread
 * (52–73 ms of its CPU in traces), each inside the task that first called it. 33–69 % of these
 * chunks' functions run while the run page boots (`bench/boot-coverage.ts`); compiling the rest
 * costs background CPU. Pages' own chunks stay lazy: with the run page's and the graph's hinted
 * too, a cold load's first lines came later (their eager compile is longer than the download).
 */
export function compileHints(): Plugin {
  return {
    name: 'runboard:compile-hints',
    apply: 'build',
    // After minification, which drops comments: the chunks as they will be written. (Their
    // file names' hashes do not cover the comment; whether a chunk gets it follows from the
    // chunk graph, which the hashes do cover.)
    generateBundle: {
      // After Vite's own, whose preload helper puts `__vite__mapDeps` at the top of a chunk.
      order: 'post',
      handler(_options, bundle) {
        const chunks = Object.fromEntries(
          Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [[c.fileName, c]] : [])),
        );
        for (const fileName of bootChunks(chunks)) {
          const chunk = chunks[fileName]!;
          chunk.code = `${COMPILE_HINT}\n${chunk.code}`;
          // One generated line more at the top: the source map's lines move down by one.
          const map = bundle[`${fileName}.map`];
          if (map?.type === 'asset') {
            const json = JSON.parse(String(map.source)) as { mappings: string };
            map.source = JSON.stringify({ ...json, mappings: `;${json.mappings}` });
          }
        }
      },
    },
  };
}

interface ChunkGraph {
  fileName: string;
  isEntry: boolean;
  imports: string[];
  dynamicImports: string[];
}

/** The entries and their boot stages (their dynamic imports), with their static imports. */
function bootChunks(chunks: Record<string, ChunkGraph>): Set<string> {
  const found = new Set<string>();
  const visit = (fileName: string) => {
    if (found.has(fileName)) return;
    found.add(fileName);
    for (const dep of chunks[fileName]?.imports ?? []) visit(dep);
  };
  for (const entry of Object.values(chunks).filter((c) => c.isEntry)) {
    visit(entry.fileName);
    for (const stage of entry.dynamicImports) visit(stage);
  }
  return found;
}
