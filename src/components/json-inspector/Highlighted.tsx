import { findRanges } from './model';
import classes from './JsonInspector.module.css';

/** Text with the query's occurrences wrapped in <mark> spans (React text nodes, never HTML). */
export function Highlighted({ text, query }: { text: string; query: string }) {
  const ranges = findRanges(text, query);
  if (ranges.length === 0) return text;
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <mark key={start} className={classes.mark}>
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
