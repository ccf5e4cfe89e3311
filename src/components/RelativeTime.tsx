import { Text, Tooltip, type TextProps } from '@mantine/core';
import { absolute, relative, type DateInput } from '../lib/dates';
import { useNow } from '../lib/use-now';

/** "3 minutes ago", with the absolute time in a tooltip; refreshed every 30 s. */
export function RelativeTime({ value, ...props }: { value: DateInput } & TextProps) {
  const now = useNow(true, 30_000);
  const exact = absolute(value);
  // The shared clock ticks every 30 s: a server time newer than its last tick is "now", not "in".
  const text = relative(value, Math.max(now, new Date(value).getTime()));
  return (
    <Tooltip label={exact} withArrow openDelay={200}>
      <Text component="time" dateTime={new Date(value).toISOString()} size="sm" {...props}>
        {text}
      </Text>
    </Tooltip>
  );
}
