import { enumParam, searchSchema, textParam, type SearchOf } from '../../lib/search-params';
import { dateRangeShape } from '../../lib/time-ranges';

export const STATUS_FILTERS = ['IN_PROGRESS', 'SUCCESS', 'FAILED', 'CANCELLED'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const runsSearchShape = {
  tab: enumParam(['runs', 'overview', 'trends']),
  status: enumParam(STATUS_FILTERS),
  createdBy: textParam(200),
  entity: textParam(200),
  ...dateRangeShape,
  /** Only runs in which this node failed (the trends tab links here). */
  failedNode: textParam(100),
};

/** The runs tab's URL: every filter is a link that survives reload. Bad values fall back. */
export const validateRunsSearch = searchSchema(runsSearchShape);
export type RunsSearch = SearchOf<typeof runsSearchShape>;
export type RunFilters = Omit<RunsSearch, 'tab'> & { workflow?: string | undefined };

const { tab: _tab, ...filterShape } = runsSearchShape;
const allRunsShape = { ...filterShape, workflow: textParam(200) };

/** `/runs`, the runs of every workflow: the Runs tab's filters plus the workflow. */
export const validateAllRunsSearch = searchSchema(allRunsShape);
export type AllRunsSearch = SearchOf<typeof allRunsShape>;
