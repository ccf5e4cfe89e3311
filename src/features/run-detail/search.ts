import { logSearchShape } from '../../lib/log-search';
import { enumParam, searchSchema, textParam, type SearchOf } from '../../lib/search-params';

const shape = {
  /** Selected node (identifier); absent = the default pick (first failed, in progress, or last). */
  node: textParam(200),
  /** `all` = logs of every node run together. */
  scope: enumParam(['all']),
  tab: enumParam(['logs', 'output']),
  ...logSearchShape,
  /** Output inspector search. */
  oq: textParam(500),
};

/** Everything the run page shows is in its URL: a link reproduces the view exactly. */
export const validateRunSearch = searchSchema(shape);
export type RunSearch = SearchOf<typeof shape>;

/**
 * Selecting another node (or all nodes) keeps the log filters (levels, text search, wrap) but
 * drops what only made sense for the previous selection: its line, follow choice and output search.
 */
export const selectionPatch = (node: string | null): Partial<RunSearch> => ({
  node: node ?? undefined,
  scope: node === null ? 'all' : undefined,
  line: undefined,
  follow: undefined,
  oq: undefined,
});
