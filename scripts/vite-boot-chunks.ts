import type { OutputChunk, RolldownOutput } from 'rolldown';
import { build, type Plugin } from 'vite';

/** Set in the first pass's build, so it chunks as Rolldown would by itself. */
const FIRST_PASS = 'RUNBOARD_BOOT_CHUNKS_FIRST_PASS';

/**
 * For the dashboard's build: the modules of each boot stage (src/main.tsx's dynamic imports:
 * the libraries, then the app) go into one chunk per stage, instead of the ~40 small shared
 * chunks (28 bytes to 315 KB) Rolldown's automatic splitting made of them.
 * scripts/vite-boot-preload.ts puts every boot chunk in index.html as `<link rel="modulepreload">`,
 * and Chromium starts each of those requests inside the navigation's commit task, where its
 * preload scanner first sees the document: 43 requests were 2.0–2.6 ms of that task's CPU and
 * 11–53 ms of its wall in traced cold loads at load 4–5 (docs/performance.md, "The navigation
 * commit").
 *
 * Which modules a stage evaluates does not change: the first pass is the same build without
 * these groups (no output written), and a module goes into a stage's group when that build put
 * it in a chunk the stage loads (the stage's chunk and its static imports, as the preload list is
 * made). That is the tree-shaken graph: a library's index re-exports every component, so the
 * modules' import graph alone would pull components only lazy pages use into the boot. A module a
 * later, lazy page shares with the boot stays in the boot's chunk (already loaded when that page
 * loads); the rest keeps Rolldown's automatic splitting.
 */
export function bootChunks(): Plugin {
  let stageOf = new Map<string, string>();
  return {
    name: 'runboard-boot-chunks',
    apply: (_config, env) => env.command === 'build' && !process.env[FIRST_PASS],
    async configResolved(config) {
      process.env[FIRST_PASS] = '1';
      try {
        const output = (await build({
          configFile: config.configFile,
          root: config.root,
          base: config.base,
          mode: config.mode,
          logLevel: 'silent',
          build: { write: false, minify: false, sourcemap: false },
        })) as RolldownOutput | RolldownOutput[];
        stageOf = stagesOf(Array.isArray(output) ? output[0]!.output : output.output);
      } finally {
        delete process.env[FIRST_PASS];
      }
    },
    outputOptions(options) {
      // The first stage (React DOM and the libraries, 4 chunks) keeps Rolldown's split: in one
      // chunk its evaluation took 16–17 ms of CPU instead of 10–11 (traced cold loads, same
      // minutes). The app's stage had ~35 chunks.
      const stages = [...new Set(stageOf.values())].slice(1);
      // A stage's group before the next's: a module two stages load is the first's (evaluated there).
      const groups = stages.map((stage, i) => ({
        name: (id: string) => (stageOf.get(id) === stage ? stage : null),
        debugName: stage,
        priority: stages.length - i,
        // Only the modules the first pass put in the stage's chunks: taking their dependencies
        // too would take the entry's own (Vite's preload helper), and the entry would import the
        // stage's chunk statically, evaluating it with the entry.
        includeDependenciesRecursively: false,
      }));
      return { ...options, codeSplitting: { groups } };
    },
  };
}

/**
 * Module id → the first stage that loads it, named by the stage's own chunk (`start` for
 * src/app/start.tsx), stages in the entry's order.
 */
function stagesOf(output: RolldownOutput['output']): Map<string, string> {
  const chunks = new Map(
    output.filter((o): o is OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]),
  );
  const entry = [...chunks.values()].find((c) => c.isEntry);
  if (!entry) throw new Error('vite-boot-chunks: the first pass made no entry chunk');
  // The entry's own chunks are evaluated with it, before any stage.
  const seen = new Set<string>([entry.fileName, ...entry.imports]);
  const stageOf = new Map<string, string>();
  for (const stage of entry.dynamicImports) {
    const name = chunks.get(stage)?.name ?? stage;
    const todo = [stage];
    while (todo.length) {
      const fileName = todo.pop()!;
      if (seen.has(fileName)) continue;
      seen.add(fileName);
      const chunk = chunks.get(fileName);
      if (!chunk) continue;
      for (const id of chunk.moduleIds) stageOf.set(id, name);
      todo.push(...chunk.imports);
    }
  }
  return stageOf;
}
