import { enumParam, searchSchema, textParam, type SearchOf } from '../../lib/search-params';

const runId = textParam(40);

/** Every choice of the comparison page is in its URL: the two runs, the node, what is shown. */
const shape = {
  /** The baseline (e.g. the last successful run). */
  a: runId,
  /** The run in question (e.g. the failed one). */
  b: runId,
  /** The node whose output and log are compared. */
  node: textParam(100),
  /** Output diff: the run's `variables.outputs` or the node's output. */
  output: enumParam(['run', 'node']),
  /** Unchanged leaves too, not only the differences. */
  unchanged: enumParam(['1']),
};
export const validateCompareSearch = searchSchema(shape);
export type CompareSearch = SearchOf<typeof shape>;
