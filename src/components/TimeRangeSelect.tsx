import { Select } from '@mantine/core';
import { TIME_RANGES, type TimeRange } from '../lib/time-ranges';
import { clearButtonFor } from './pickers/clear-button';

const OPTIONS: { value: TimeRange | 'custom'; label: string }[] = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range' },
];

/**
 * A list's "Time range": a preset, or "Custom range" (the page then shows its own from / to
 * boxes). Picking anything clears the other kind, so a preset and a custom range never mix.
 */
export function TimeRangeSelect({
  range,
  custom,
  onChange,
}: {
  range: TimeRange | undefined;
  /** The custom boxes are shown (picked, or the URL has a from / to). */
  custom: boolean;
  onChange: (picked: TimeRange | 'custom' | undefined) => void;
}) {
  return (
    <Select
      label="Time range"
      placeholder="Any time"
      data={OPTIONS}
      value={range ?? (custom ? 'custom' : null)}
      onChange={(v) => onChange(v === 'custom' ? 'custom' : TIME_RANGES.find((r) => r === v))}
      clearable
      clearButtonProps={clearButtonFor('Time range')}
      w={180}
    />
  );
}
