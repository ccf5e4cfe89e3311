import { createTheme } from '@mantine/core';

/**
 * Font stacks that resolve at their first family wherever the browser knows it, since every
 * family a stack names before the one the machine has costs the page a lookup: on Linux (and
 * Windows) each is a synchronous call from the renderer to the browser's font service, made in
 * the first layout of every cold load (s15boot: with Mantine's default sans stack and the previous
 * monospace one, a cold load of the run page on Linux made 15, 10 of them for families the machine
 * lacked; with these 8, 3 of them).
 *
 * Sans: `system-ui` — San Francisco on macOS, Segoe UI on Windows, the desktop's UI font on Linux
 * (fontconfig's default sans) — resolves in every current browser; Mantine's default stack after
 * it only for a browser without `system-ui`.
 *
 * Monospace: `ui-monospace` is SF Mono in Safari (Chromium and Firefox know it on no platform:
 * one lookup that finds nothing); Consolas for Windows, then Menlo for Chromium and Firefox on
 * macOS (whose own `monospace` is Courier in Chromium); then the browser's monospace font, on
 * Linux fontconfig's default. The previous stack also named SFMono-Regular and JetBrains Mono, and
 * Liberation Mono ahead of `monospace`.
 */
const SANS =
  'system-ui, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji"';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 6 under white text is 4.3:1; 7 (light) and 8 (dark) reach WCAG AA's 4.5:1.
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  fontFamily: SANS,
  fontFamilyMonospace: 'ui-monospace, Consolas, Menlo, monospace',
  headings: { fontFamily: SANS },
  cursorType: 'pointer',
});
