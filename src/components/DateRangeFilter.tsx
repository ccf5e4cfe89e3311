import { useState } from 'react';
import type { TimeRange } from '../lib/time-ranges';
import { DateTimeBox } from './DateTimeBox';
import { TimeRangeSelect } from './TimeRangeSelect';

export interface DateRange {
  range?: TimeRange | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * A list's date filter: "Time range" presets (last 24 hours, 7 or 30 days) and the custom range's
 * two boxes, each clearing the other kind. `boxesOnRequest`: the boxes show only once "Custom
 * range" is picked or the URL has an end (a workflow's Runs tab, where room is short); otherwise
 * they are always there (action runs, the audit log: Port's date range).
 */
export function DateRangeFilter({
  value,
  onChange,
  labels,
  boxesOnRequest = false,
}: {
  value: DateRange;
  onChange: (patch: DateRange) => void;
  labels: { from: string; to: string };
  boxesOnRequest?: boolean;
}) {
  const ends = Boolean(value.from || value.to);
  const [customPicked, setCustomPicked] = useState(ends);
  const showBoxes = !boxesOnRequest || customPicked || ends;
  return (
    <>
      <TimeRangeSelect
        range={value.range}
        custom={customPicked || ends}
        onChange={(picked) => {
          setCustomPicked(picked === 'custom');
          onChange({
            range: picked === 'custom' ? undefined : picked,
            from: undefined,
            to: undefined,
          });
        }}
      />
      {showBoxes && (
        <>
          <DateTimeBox
            label={labels.from}
            value={value.from}
            onCommit={(from) => onChange({ range: undefined, from, to: value.to })}
          />
          <DateTimeBox
            label={labels.to}
            value={value.to}
            onCommit={(to) => onChange({ range: undefined, from: value.from, to })}
          />
        </>
      )}
    </>
  );
}
