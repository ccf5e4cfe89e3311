import type { DATE_PRESETS } from '../../contract/entities';

/** Port's date presets as a [from, to] range relative to `now` (UTC days). Pure. */
export function presetRange(preset: (typeof DATE_PRESETS)[number], now: Date): [Date, Date] {
  const day = 86_400_000;
  const startOfToday = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
  );
  const back = (days: number): [Date, Date] => [new Date(now.getTime() - days * day), now];
  switch (preset) {
    case 'today':
      return [startOfToday, new Date(startOfToday.getTime() + day)];
    case 'tomorrow':
      return [new Date(startOfToday.getTime() + day), new Date(startOfToday.getTime() + 2 * day)];
    case 'yesterday':
      return [new Date(startOfToday.getTime() - day), startOfToday];
    case 'lastWeek':
      return back(7);
    case 'last2Weeks':
      return back(14);
    case 'lastMonth':
      return back(30);
    case 'last3Months':
      return back(90);
    case 'last6Months':
      return back(180);
    case 'last12Months':
      return back(365);
  }
}
