import { ACTION_RUN_STATUSES } from '../../../contract/actions';
import {
  enumParam,
  flagParam,
  searchSchema,
  textParam,
  type SearchOf,
} from '../../lib/search-params';
import { dateRangeShape } from '../../lib/time-ranges';
import { logSearchShape } from '../../lib/log-search';

const shape = {
  action: textParam(200),
  blueprint: textParam(200),
  entity: textParam(200),
  active: flagParam,
  /** [ext] one status, e.g. `WAITING_FOR_APPROVAL`. */
  status: enumParam(ACTION_RUN_STATUSES),
  /** A user id, or an email (anything with an @). */
  user: textParam(300),
  /** When the run started (the audit log's date range). */
  ...dateRangeShape,
};

/** The audit log's Runs tab: every filter of Port's list API, in the URL. */
export const validateActionRunsSearch = searchSchema(shape);
export type ActionRunFilters = SearchOf<typeof shape>;

const runShape = { ...logSearchShape, iq: textParam(500) };

/** The action run page: its log view and the inputs inspector's search, in the URL. */
export const validateActionRunSearch = searchSchema(runShape);
export type ActionRunSearch = SearchOf<typeof runShape>;
