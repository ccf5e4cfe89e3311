import { enumParam, type SearchOf } from '../../lib/search-params';

export const TREND_RANGES = ['24h', '7d', '30d', '90d'] as const;
export type TrendRange = (typeof TREND_RANGES)[number];
export const NODE_SORTS = ['slowest', 'flakiest', 'slowing'] as const;
export type NodeSort = (typeof NODE_SORTS)[number];

/** The trends tab's part of the workflow page's URL (the route merges it with the runs tab's). */
export const trendsSearchShape = {
  trendRange: enumParam(TREND_RANGES),
  nodeSort: enumParam(NODE_SORTS),
  trendView: enumParam(['charts', 'table']),
};
export type TrendsSearch = SearchOf<typeof trendsSearchShape>;
