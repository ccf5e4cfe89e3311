import { MAX_FETCH, formatLine } from './model';
import type { LogView } from './store';

/**
 * What "Copy logs" copies: the selected line (`?line=`), else the whole log when it is short,
 * else the lines on screen.
 */
export async function linesToCopy(
  view: LogView,
  selectedSeq: number | null,
  nodeLabels: Record<string, string> | undefined,
  onScreen: [first: number, last: number],
): Promise<{ text: string; what: string }> {
  const label = (nodeRunId: string) => nodeLabels?.[nodeRunId];
  const selected = selectedSeq !== null ? await findLine(view, selectedSeq) : undefined;
  if (selected) {
    return {
      text: formatLine(selected, label(selected.nodeRunIdentifier)),
      what: `line ${selected.seq}`,
    };
  }
  const end = view.total ?? 0;
  const [from, to] = end <= MAX_FETCH ? [0, end - 1] : onScreen;
  if (end <= MAX_FETCH) await view.ensureRange(0, end - 1);
  const lines: string[] = [];
  for (let i = from; i <= to; i++) {
    const l = view.lineAt(i);
    if (l) lines.push(formatLine(l, label(l.nodeRunIdentifier)));
  }
  return { text: lines.join('\n'), what: `${lines.length} lines` };
}

async function findLine(view: LogView, seq: number) {
  const position = await view.positionOfSeq(seq);
  if (position === null) return undefined;
  const line = await view.lineAtAsync(position);
  return line?.seq === seq ? line : undefined;
}
