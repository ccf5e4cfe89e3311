import type { LogLine } from '../../../contract/workflows';
import { evictFar, mergeLines, pageOf, pollCursor, type PagedLines } from './model';

/**
 * Appends streamed lines to a followed view: only lines after the last one it has (a line sent
 * again after a reconnect is dropped, never shown twice), then the pages farthest from the end
 * are dropped so the window stays bounded and always keeps the newest lines: following sits at
 * the end, where a big batch must land on lines, not on placeholders. Returns how many lines
 * were added.
 */
export function appendTail(view: PagedLines, lines: readonly LogLine[]): number {
  const last = pollCursor(view);
  if (last === null) return 0;
  let from = 0;
  while (from < lines.length && lines[from]!.seq <= last) from++;
  const fresh = from === 0 ? lines : lines.slice(from);
  // Streamed lines come in seq order; anything out of order is not appended.
  let end = 0;
  while (end < fresh.length && (end === 0 || fresh[end]!.seq > fresh[end - 1]!.seq)) end++;
  if (end === 0) return 0;
  const added = end === fresh.length ? fresh : fresh.slice(0, end);
  mergeLines(view, view.total ?? 0, added);
  evictFar(view, pageOf((view.total ?? 1) - 1));
  return added.length;
}
