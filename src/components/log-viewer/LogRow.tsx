import { memo, type Ref } from 'react';
import type { LogLevel, LogLine } from '../../../contract/workflows';
import { absolute, timeOfDay } from '../../lib/dates';
import classes from './LogViewer.module.css';
import { styledParts } from './ansi';

export const LEVEL_COLORS: Record<LogLevel, string> = {
  DEBUG: 'gray',
  INFO: 'blue',
  WARN: 'yellow',
  ERROR: 'red',
};

interface LogRowProps {
  position: number;
  start: number;
  line: LogLine | undefined;
  /** Known even before the line arrives in an unfiltered view. */
  seq: number | undefined;
  nodeLabel: string | undefined;
  q: string;
  wrap: boolean;
  selected: boolean;
  activeMatch: boolean;
  onSelectLine: (seq: number) => void;
  measureRef: Ref<HTMLDivElement> | undefined;
}

/**
 * One line; text goes into React text nodes (never markup), coloured by its ANSI codes through
 * inline styles, and search hits (in the text a person sees) into <mark>. The level
 * badge is a plain span in Mantine's badge colors: a Mantine <Badge> per row doubled the cost of
 * rendering a screenful of rows.
 */
export const LogRow = memo(function LogRow({
  position,
  start,
  line,
  seq,
  nodeLabel,
  q,
  wrap,
  selected,
  activeMatch,
  onSelectLine,
  measureRef,
}: LogRowProps) {
  const className = [
    classes.row,
    wrap && classes.wrap,
    selected && classes.selected,
    activeMatch && classes.activeMatch,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      ref={measureRef}
      role="row"
      aria-rowindex={position + 1}
      aria-selected={selected || undefined}
      aria-current={activeMatch || undefined}
      data-index={position}
      data-seq={line?.seq ?? seq}
      className={className}
      style={{ transform: `translateY(${start}px)` }}
    >
      <span role="cell">
        {(line?.seq ?? seq) !== undefined && (
          <button
            type="button"
            className={classes.lineNo}
            aria-label={`Line ${line?.seq ?? seq}`}
            onClick={() => onSelectLine((line?.seq ?? seq)!)}
          >
            {line?.seq ?? seq}
          </button>
        )}
      </span>
      {line ? (
        <>
          <span role="cell" className={classes.level} data-level={line.logLevel}>
            {line.logLevel}
          </span>
          <span role="cell" className={classes.time} title={absolute(line.createdAt)}>
            {timeOfDay(line.createdAt)}
          </span>
          {nodeLabel !== undefined && (
            <span role="cell" className={classes.node} title={nodeLabel}>
              {nodeLabel}
            </span>
          )}
          <span role="cell" className={classes.text}>
            {styledParts(line.log, q).map((part, i) =>
              part.match ? (
                <mark key={i} className={classes.mark} style={part.style}>
                  {part.text}
                </mark>
              ) : part.style ? (
                <span key={i} style={part.style}>
                  {part.text}
                </span>
              ) : (
                part.text
              ),
            )}
          </span>
          <Tags tags={line.tags} />
        </>
      ) : (
        <span role="cell" className={`${classes.text} ${classes.placeholder}`}>
          …
        </span>
      )}
    </div>
  );
});

function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return null;
  return (
    <span role="cell" className={classes.tags}>
      {entries.map(([k, v]) => (
        <span key={k} className={classes.tag} title={`${k}=${v}`}>
          {k}={v}
        </span>
      ))}
    </span>
  );
}
