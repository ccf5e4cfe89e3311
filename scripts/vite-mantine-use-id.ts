import type { Plugin } from 'vite';

/**
 * For the dashboard's build only: Mantine's `useId` (@mantine/hooks) renders with an id derived
 * from React's `useId`, then replaces it by a random one in a layout effect — a state update in
 * the commit, which React renders again synchronously, in the same task. Every Tooltip, Popover,
 * Menu, Input, Tabs, Modal, Alert and AppShell does it once when it mounts (even given a static
 * id): on a cold load of the run page, those synchronous renders were part of each stage's
 * commit task (the header's tooltips, the log toolbar's menus and search box, the tabs).
 *
 * This keeps the first id (`mantine-` + React's id: unique in the root, stable, valid in CSS
 * selectors since React 19.2) and drops the effect. The random id existed for server rendering
 * before React had `useId`; the dashboard renders on the client only.
 *
 * The rewrite matches the hook's code exactly and fails the build when it does not, so an
 * upgrade of @mantine/hooks that changes the file is looked at, not silently undone.
 */
const MODULE = /\/@mantine\/hooks\/esm\/use-id\/use-id\.mjs$/;

const FIND = `	const [uuid, setUuid] = useState(\`mantine-\${reactId.replace(/:/g, "")}\`);
	const hasInitializedRef = useRef(false);
	useIsomorphicEffect(() => {
		if (hasInitializedRef.current) return;
		hasInitializedRef.current = true;
		setUuid(randomId());
	}, []);
	if (typeof staticId === "string") return staticId;
	return uuid;`;

const REPLACE = `	if (typeof staticId === "string") return staticId;
	return \`mantine-\${reactId.replace(/:/g, "")}\`;`;

export function mantineStableIds(): Plugin {
  let rewritten = false;
  return {
    name: 'runboard:mantine-stable-ids',
    apply: 'build',
    transform(code, id) {
      if (!MODULE.test(id)) return null;
      if (code.split(FIND).length !== 2)
        this.error(
          "@mantine/hooks' use-id.mjs is not the code scripts/vite-mantine-use-id.ts rewrites: review it for this version",
        );
      rewritten = true;
      return { code: code.replace(FIND, () => REPLACE), map: null };
    },
    buildEnd(error) {
      if (!error && !rewritten)
        this.error(
          "@mantine/hooks' esm/use-id/use-id.mjs was not in the build: review scripts/vite-mantine-use-id.ts",
        );
    },
  };
}
