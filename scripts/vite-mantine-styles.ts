import type { Plugin } from 'vite';

/**
 * For the dashboard's build: fails it when a Mantine component in the bundle has no stylesheet.
 * The dashboard imports `@mantine/core/styles/<Component>.css` per component it uses
 * (`src/app/mantine-styles.ts`) instead of the whole 250 KB `@mantine/core/styles.css`, so the
 * browser's first style recalculation of a page has a fifth of the rules to build. Each Mantine
 * component's class names come from its `<Component>.module.mjs` in @mantine/core's ESM build,
 * which Mantine compiles from the same `<Component>.module.css` as `styles/<Component>.css`: a
 * bundle that keeps one of those modules needs that stylesheet. Using a new component (or one
 * that a used component starts to use inside) without adding its stylesheet breaks the build
 * with the name to add, instead of shipping an unstyled component.
 */
const CLASSES = /\/@mantine\/core\/esm\/.*\/(\w+)\.module\.mjs$/;
const STYLESHEET = /\/@mantine\/core\/styles\/([\w-]+)\.css$/;

export function mantineStylesCheck(): Plugin {
  return {
    name: 'runboard:mantine-styles-check',
    apply: 'build',
    generateBundle(_options, bundle) {
      const needed = new Set<string>();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const [id, info] of Object.entries(chunk.modules)) {
          const match = CLASSES.exec(id);
          if (match && info.renderedLength > 0) needed.add(match[1]!);
        }
      }
      const imported = new Set<string>();
      for (const id of this.getModuleIds()) {
        const match = STYLESHEET.exec(id);
        if (match) imported.add(match[1]!);
      }
      // Nothing to check when a build imports the whole stylesheet (the bench pages do).
      if (imported.size === 0) return;
      const missing = [...needed].filter((name) => !imported.has(name)).sort();
      if (missing.length > 0)
        this.error(
          `Mantine components in the bundle without their stylesheet: add ${missing.map((m) => `'@mantine/core/styles/${m}.css'`).join(', ')} to src/app/mantine-styles.ts (in styles.css's order)`,
        );
    },
  };
}
