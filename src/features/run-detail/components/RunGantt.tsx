import { memo, type CSSProperties } from 'react';
import type { WorkflowRunSummary } from '../../../../contract/workflows';
import { stateAppearance } from '../../../components/StatusBadge';
import { formatDuration } from '../../../lib/dates';
import { useNow } from '../../../lib/use-now';
import { ganttBars } from '../model';
import classes from './RunGantt.module.css';

interface Props {
  run: WorkflowRunSummary;
  nodeOrder: string[];
  titles: Record<string, string>;
  selected: string | null;
  onSelect: (node: string) => void;
}

/**
 * A bar per node run across the run's span. Each row is a button that selects its node, like the
 * graph's node buttons; its name starts "Timeline:" so it never reads as (or matches) a graph node.
 */
/** Memoized: the run page re-renders on every log view change, which does not move the bars. */
export const RunGantt = memo(function RunGantt({
  run,
  nodeOrder,
  titles,
  selected,
  onSelect,
}: Props) {
  const now = useNow(run.completedAt === null);
  const bars = ganttBars(run, nodeOrder, now);
  return (
    <div role="list" aria-label="Node run timeline">
      {bars.map((bar) => {
        const look = stateAppearance(bar.state);
        const title = titles[bar.nodeIdentifier] ?? bar.nodeIdentifier;
        const duration =
          bar.durationMs === null ? look.label.toLowerCase() : formatDuration(bar.durationMs);
        return (
          <div role="listitem" key={bar.nodeRunId ?? bar.nodeIdentifier}>
            <button
              type="button"
              className={classes.row}
              aria-label={`Timeline: ${title}: ${look.label}${bar.durationMs === null ? '' : `, ${duration}`}`}
              aria-pressed={selected === bar.nodeIdentifier}
              onClick={() => onSelect(bar.nodeIdentifier)}
              title={`${title}: ${look.label}`}
            >
              <span className={classes.label}>{title}</span>
              <span className={classes.track}>
                {bar.nodeRunId && (
                  <span
                    className={classes.bar}
                    data-live={look.live}
                    style={
                      {
                        left: `${bar.offset * 100}%`,
                        width: `${bar.width * 100}%`,
                        '--bar-color': `var(--mantine-color-${look.color}-filled)`,
                      } as CSSProperties
                    }
                  />
                )}
              </span>
              <span className={classes.duration}>{duration}</span>
            </button>
          </div>
        );
      })}
    </div>
  );
});
