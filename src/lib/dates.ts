import dayjs from 'dayjs';
import duration from 'dayjs/plugin/duration';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import relativeTime from 'dayjs/plugin/relativeTime';

// The only module that loads dayjs plugins (lint enforces it); everything else imports from here.
dayjs.extend(relativeTime);
dayjs.extend(duration);
dayjs.extend(localizedFormat);

export type DateInput = string | number | Date;

export const relative = (d: DateInput, now: DateInput = Date.now()) => dayjs(d).from(dayjs(now));

export const absolute = (d: DateInput) => dayjs(d).format('YYYY-MM-DD HH:mm:ss');

export const timeOfDay = (d: DateInput) => dayjs(d).format('HH:mm:ss.SSS');

/** "12:01:03": an instant within the next minutes, to the second. */
export const clockTime = (d: DateInput) => dayjs(d).format('HH:mm:ss');

/** How long until `d`: "now" once it passed, "in 8 s" within a minute, else dayjs's "in 2 minutes". */
export function until(d: DateInput, now: DateInput = Date.now()): string {
  const ms = dayjs(d).diff(dayjs(now));
  if (ms <= 0) return 'now';
  if (ms < 60_000) return `in ${Math.ceil(ms / 1000)} s`;
  return relative(d, now);
}

/** "850ms", "12s", "3m 04s", "2h 05m", "3d 4h": short and sortable by eye. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const d = dayjs.duration(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (ms < 60_000) return `${Math.floor(d.asSeconds())}s`;
  if (ms < 3_600_000) return `${Math.floor(d.asMinutes())}m ${pad(d.seconds())}s`;
  if (ms < 86_400_000) return `${Math.floor(d.asHours())}h ${pad(d.minutes())}m`;
  return `${Math.floor(d.asDays())}d ${d.hours()}h`;
}

/** Duration between two instants; an open end means "until now". */
export const durationBetween = (
  start: DateInput,
  end: DateInput | null,
  now: DateInput = Date.now(),
) => formatDuration(dayjs(end ?? now).diff(dayjs(start)));

export { dayjs };

/** An instant as the value of an `<input type="datetime-local">` (local time, minutes). */
export const toLocalInput = (d: DateInput) => dayjs(d).format('YYYY-MM-DDTHH:mm');

/** A `datetime-local` value back to an ISO instant; empty or invalid input means no bound. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = dayjs(value);
  return d.isValid() ? d.toISOString() : undefined;
}

/** Mantine's date pickers hold local "YYYY-MM-DD HH:mm:ss" text; the API takes ISO 8601 instants. */
const PICKER_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/** A picker's local date-time as an ISO instant (`2026-11-29T10:00:00.000Z`), or null if not a date. */
export function isoFromPicker(value: string): string | null {
  const d = dayjs(value);
  return d.isValid() ? d.toISOString() : null;
}

/** An ISO instant as a picker's local date-time; other text is kept as it is. */
export function pickerFromIso(value: string): string {
  const d = dayjs(value);
  return d.isValid() ? d.format(PICKER_FORMAT) : value;
}
