import type { Plugin } from 'vite';

/**
 * For the dashboard's build only: every Tooltip, Popover and Menu keeps its target element in
 * React state, set from the target's ref callback — a state update in the commit that mounts
 * it, which React renders again synchronously in the same task (floating-ui's `useFloating`
 * twice, @floating-ui/react's over @floating-ui/react-dom's, and Mantine's Popover once more).
 * On a cold load of the run page those synchronous renders, with their effects, were about half
 * of the first commit's task (the shell's and the run header's tooltips and menus) and part of
 * the log panel's (the toolbar's menus and tooltips).
 *
 * This sets those three states in a transition: the mount's commit ends without them and React
 * renders them after, time-sliced, in a task of their own. Nothing is shown from them until the
 * floating element opens (a hover, a click), which happens long after; the floating element's
 * own state (set when it opens) stays synchronous, so an opened dropdown is positioned as
 * before.
 *
 * Each rewrite matches the library's code exactly and fails the build when it does not, so an
 * upgrade that changes the file is looked at, not silently undone.
 */
const REWRITES: { module: RegExp; name: string; find: string; replace: string }[] = [
  {
    module: /\/@floating-ui\/react-dom\/dist\/floating-ui\.react-dom\.mjs$/,
    name: '@floating-ui/react-dom useFloating',
    find: `      referenceRef.current = node;
      _setReference(node);`,
    replace: `      referenceRef.current = node;
      React.startTransition(() => _setReference(node));`,
  },
  {
    module: /\/@floating-ui\/react\/dist\/floating-ui\.react\.mjs$/,
    name: '@floating-ui/react useFloating',
    find: `      domReferenceRef.current = node;
      setDomReference(node);`,
    replace: `      domReferenceRef.current = node;
      React.startTransition(() => setDomReference(node));`,
  },
  {
    module: /\/@mantine\/core\/esm\/components\/Popover\/Popover\.mjs$/,
    name: "Mantine's Popover",
    find: `	const reference = useCallback((node) => {
		setTargetNode(node);`,
    replace: `	const reference = useCallback((node) => {
		__runboardStartTransition(() => setTargetNode(node));`,
  },
];
const IMPORT = `import { startTransition as __runboardStartTransition } from "react";\n`;

export function floatingReferenceInTransition(): Plugin {
  const done = new Set<string>();
  return {
    name: 'runboard:floating-reference-in-transition',
    apply: 'build',
    transform(code, id) {
      const rewrite = REWRITES.find((r) => r.module.test(id));
      if (!rewrite) return null;
      if (code.split(rewrite.find).length !== 2)
        this.error(
          `${rewrite.name} is not the code scripts/vite-floating-reference.ts rewrites: review it for this version`,
        );
      done.add(rewrite.name);
      const out = code.replace(rewrite.find, () => rewrite.replace);
      return { code: out.includes('__runboardStartTransition') ? IMPORT + out : out, map: null };
    },
    buildEnd(error) {
      const missing = REWRITES.filter((r) => !done.has(r.name)).map((r) => r.name);
      if (!error && missing.length)
        this.error(
          `${missing.join(', ')} not in the build: review scripts/vite-floating-reference.ts`,
        );
    },
  };
}
