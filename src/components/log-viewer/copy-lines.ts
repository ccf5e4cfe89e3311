import { formatLine } from './model';
import type { LogView } from './store';

/** Lines "Copy logs" puts on the clipboard at most; "Download" has them all. */
export const COPY_LIMIT = 10_000;

const count = (n: number) => n.toLocaleString('en-US');

/** What the copy message says: how many lines, of how many, and where the rest is. */
export function copiedMessage(copied: number, total: number): string {
  if (copied < total) return `Copied ${count(copied)} of ${count(total)} lines — download for all`;
  return `Copied ${count(copied)} ${copied === 1 ? 'line' : 'lines'}`;
}

/**
 * What "Copy logs" copies: the lines the viewer shows (its level filter, and in grep mode only
 * the matches), from the first, up to COPY_LIMIT, fetched in one request whatever is loaded.
 */
export async function linesToCopy(
  view: LogView,
  nodeLabels: Record<string, string> | undefined,
): Promise<{ text: string; message: string }> {
  const { lines, total } = await view.firstLines(COPY_LIMIT);
  const text = lines
    .map((l) => formatLine(l, nodeLabels ? (nodeLabels[l.nodeRunIdentifier] ?? '') : undefined))
    .join('\n');
  return { text, message: copiedMessage(lines.length, Math.max(total, lines.length)) };
}
