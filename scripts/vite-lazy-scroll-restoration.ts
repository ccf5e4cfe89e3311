import type { Plugin } from 'vite';

/**
 * For the dashboard's build only: TanStack Router's scroll restoration reads the positions it
 * saved in sessionStorage while its module evaluates (`const scrollRestorationCache =
 * createScrollRestorationCache()` at the top level of router-core's scroll-restoration.js, which
 * the router always imports, whatever its `scrollRestoration` option). A tab's first
 * sessionStorage read is a synchronous call to the browser process: 3–55 ms of the entry's
 * evaluation in cold loads of the run page on this busy machine, inside the boot's first task.
 *
 * This keeps the behaviour (back/forward to a list puts it where it was; the positions still go
 * to sessionStorage on `pagehide`) and reads the saved positions later: when the main thread is
 * first idle after boot, or at the first navigation or `pagehide`, whichever comes first. What
 * changes: the page a reload lands on is not scrolled back by the router (the saved positions
 * are not read yet when it renders) — which did not work for the dashboard's lists before either,
 * their rows arriving after the router restores.
 *
 * The rewrite matches router-core's code exactly and fails the build when it does not, so an
 * upgrade of @tanstack/router-core that changes that file is looked at, not silently undone.
 */
const MODULE = /\/@tanstack\/router-core\/dist\/esm\/scroll-restoration\.js$/;

const EDITS: { find: string; replace: string }[] = [
  {
    find: 'const safeSessionStorage = getSafeSessionStorage();',
    replace: 'let safeSessionStorage;',
  },
  {
    find: 'const scrollRestorationCache = /* @__PURE__ */ createScrollRestorationCache();',
    replace: [
      'const scrollRestorationCache = {};',
      'let storedScrollRead = false;',
      'function readStoredScroll() {',
      '\tif (storedScrollRead) return;',
      '\tstoredScrollRead = true;',
      '\tsafeSessionStorage = getSafeSessionStorage();',
      '\tconst stored = createScrollRestorationCache();',
      '\tfor (const key in stored) scrollRestorationCache[key] ??= stored[key];',
      '}',
      'if (typeof window !== "undefined") {',
      '\tif (typeof requestIdleCallback === "function") requestIdleCallback(readStoredScroll, { timeout: 3000 });',
      '\telse setTimeout(readStoredScroll, 1000);',
      '}',
    ].join('\n'),
  },
  {
    find: 'router.subscribe("onBeforeLoad", (event) => {',
    replace:
      'router.subscribe("onBeforeLoad", (event) => {\n\t\t\tif (event.fromLocation) readStoredScroll();',
  },
  {
    find: 'addEventListener("pagehide", () => {',
    replace: 'addEventListener("pagehide", () => {\n\t\t\treadStoredScroll();',
  },
];

export function lazyScrollRestoration(): Plugin {
  let rewritten = false;
  return {
    name: 'runboard:lazy-scroll-restoration',
    apply: 'build',
    transform(code, id) {
      if (!MODULE.test(id)) return null;
      let out = code;
      for (const { find, replace } of EDITS) {
        if (out.split(find).length !== 2)
          this.error(
            `@tanstack/router-core's scroll-restoration.js no longer has \`${find}\` once: review scripts/vite-lazy-scroll-restoration.ts for this version`,
          );
        out = out.replace(find, () => replace);
      }
      rewritten = true;
      return { code: out, map: null };
    },
    buildEnd(error) {
      if (!error && !rewritten)
        this.error(
          "@tanstack/router-core's dist/esm/scroll-restoration.js was not in the build: review scripts/vite-lazy-scroll-restoration.ts",
        );
    },
  };
}
