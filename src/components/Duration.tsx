import { Text, type TextProps } from '@mantine/core';
import { durationBetween, type DateInput } from '../lib/dates';
import { useNow } from '../lib/use-now';

/** Duration from start to end; ticks every second while there is no end yet. */
export function Duration({
  start,
  end,
  ...props
}: { start: DateInput; end: DateInput | null } & TextProps) {
  const now = useNow(end === null);
  return (
    <Text component="span" size="sm" ff="monospace" {...props}>
      {durationBetween(start, end, now)}
    </Text>
  );
}
