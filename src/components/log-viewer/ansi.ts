import Anser from 'anser';
import type { CSSProperties } from 'react';

/**
 * A run of a log line's visible text with one look: colour, background and decorations from its
 * ANSI codes, and whether it is part of a search match. Rendered as React text in a span with an
 * inline style, never as markup: a line's text can never become HTML.
 */
export interface StyledPart {
  text: string;
  style: CSSProperties | undefined;
  match: boolean;
}

// OSC sequences (hyperlinks, titles) are not colours; anser leaves them in the text.
// eslint-disable-next-line no-control-regex
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The 16 basic colours are CSS variables (LogViewer.module.css), so each scheme picks readable ones. */
const BASIC = new Set([
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
  'bright-black',
  'bright-red',
  'bright-green',
  'bright-yellow',
  'bright-blue',
  'bright-magenta',
  'bright-cyan',
  'bright-white',
]);
const BASIC_BY_INDEX = [...BASIC];

/** xterm's 256-colour palette: 16 basic, a 6×6×6 cube, then 24 greys. */
export function paletteColor(n: number): string {
  if (n < 16) return `var(--ansi-${BASIC_BY_INDEX[n]})`;
  if (n < 232) {
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    const i = n - 16;
    return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
  }
  const grey = 8 + (n - 232) * 10;
  return `rgb(${grey}, ${grey}, ${grey})`;
}

/** anser's colour (with `use_classes`) as a CSS colour. */
function cssColor(name: string | null, truecolor: string | null): string | undefined {
  if (!name) return undefined;
  if (name === 'ansi-truecolor') return truecolor ? `rgb(${truecolor})` : undefined;
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (palette) return paletteColor(Number(palette[1]));
  const basic = name.replace(/^ansi-/, '');
  return BASIC.has(basic) ? `var(--ansi-${basic})` : undefined;
}

function styleOf(entry: Anser.AnserJsonEntry): CSSProperties | undefined {
  const style: CSSProperties = {};
  // anser keeps the last true colour after a reset; it applies only while the colour says so.
  const color = cssColor(entry.fg, entry.fg_truecolor);
  const background = cssColor(entry.bg, entry.bg_truecolor);
  if (color) style.color = color;
  if (background) style.backgroundColor = background;
  const d = new Set(entry.decorations);
  if (d.has('bold')) style.fontWeight = 700;
  if (d.has('dim')) style.opacity = 0.7;
  if (d.has('italic')) style.fontStyle = 'italic';
  if (d.has('hidden')) style.visibility = 'hidden';
  const lines = [d.has('underline') && 'underline', d.has('strikethrough') && 'line-through'];
  const textDecoration = lines.filter(Boolean).join(' ');
  if (textDecoration) style.textDecoration = textDecoration;
  return Object.keys(style).length ? style : undefined;
}

interface Run {
  text: string;
  style: CSSProperties | undefined;
}

/** The line's visible text in runs of one style; a line without escapes is one plain run. */
export function ansiRuns(text: string): Run[] {
  if (!text.includes('\u001b')) return [{ text, style: undefined }];
  return Anser.ansiToJson(text.replace(OSC, ''), { use_classes: true, remove_empty: true }).map(
    (entry) => ({ text: entry.content, style: styleOf(entry) }),
  );
}

/** The text a person sees: the runs' text without codes. */
export const visibleText = (text: string) =>
  ansiRuns(text)
    .map((r) => r.text)
    .join('');

/**
 * The line as styled parts, split again where case-insensitive occurrences of `q` in the visible
 * text begin and end (a match may span colours), so matches render as <mark>.
 */
export function styledParts(text: string, q: string): StyledPart[] {
  const runs = ansiRuns(text);
  const ranges: [number, number][] = [];
  if (q) {
    const visible = runs.map((r) => r.text).join('');
    const re = new RegExp(escapeRegExp(q), 'gi');
    for (let m = re.exec(visible); m; m = re.exec(visible)) {
      ranges.push([m.index, m.index + m[0].length]);
    }
  }
  const parts: StyledPart[] = [];
  let offset = 0;
  let r = 0;
  for (const run of runs) {
    const end = offset + run.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && ranges[r]![1] <= at) r++;
      const range = ranges[r];
      const inMatch = range !== undefined && range[0] <= at;
      const stop = Math.min(end, range ? (inMatch ? range[1] : range[0]) : end);
      parts.push({
        text: run.text.slice(at - offset, stop - offset),
        style: run.style,
        match: inMatch,
      });
      at = stop;
    }
    offset = end;
  }
  if (parts.length === 0) parts.push({ text: '', style: undefined, match: false });
  return parts;
}
