import { AUDIT_ACTIONS, AUDIT_RESOURCES } from '../../../contract/entities';
import { enumParam, searchSchema, textParam, type SearchOf } from '../../lib/search-params';
import { dateRangeShape } from '../../lib/time-ranges';

const shape = {
  /** One resource type (`resources=` of the API). */
  resource: enumParam(AUDIT_RESOURCES),
  action: enumParam(AUDIT_ACTIONS),
  status: enumParam(['SUCCESS', 'FAILURE'] as const),
  /** A workflow run (`wfr_…`) or action run (`r_…`) id: the run's own entries and its entities'. */
  run: textParam(200),
  entity: textParam(200),
  blueprint: textParam(200),
  /** When the entry was made. */
  ...dateRangeShape,
};

/** The audit log page: every filter `GET /v1/audit-log` takes, in the URL. */
export const validateAuditLogSearch = searchSchema(shape);
export type AuditLogFilters = SearchOf<typeof shape>;
