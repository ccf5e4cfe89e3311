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
