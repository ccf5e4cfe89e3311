import { enumParam, isoDateTimeParam } from './search-params';

/** The lists' time-range presets (a workflow's Runs tab, action runs, the audit log). */
export const TIME_RANGES = ['24h', '7d', '30d'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const timeRangeParam = enumParam(TIME_RANGES);

/**
 * A list's date filter in the URL: a preset (counted back from each request), or a custom range
 * at or after `from` / at or before `to` (ISO instants).
 */
export const dateRangeShape = {
  range: timeRangeParam,
  from: isoDateTimeParam,
  to: isoDateTimeParam,
};

const RANGE_MS: Record<TimeRange, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/**
 * A list's `from` / `to` query params: a preset counts back from `now`, read when the request is
 * made, so the URL and the query key stay "last 24 hours" rather than an instant; without one,
 * the custom range's ends as they are.
 */
export function rangeParams(
  filters: { range?: TimeRange | undefined; from?: string | undefined; to?: string | undefined },
  now: number,
) {
  return filters.range
    ? { from: new Date(now - RANGE_MS[filters.range]).toISOString(), to: undefined }
    : { from: filters.from, to: filters.to };
}
