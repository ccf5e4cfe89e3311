import { ACTIVITY_STATUSES } from '../../../contract/entities';
import { enumParam, searchSchema, textParam, type SearchOf } from '../../lib/search-params';

export type { ActivityStatus } from '../../../contract/entities';

const listShape = {
  blueprint: textParam(200),
  q: textParam(200),
  /** An entity identifier whose blueprint is unknown (a workflow run names only the entity). */
  entity: textParam(200),
};

/** The entities list: the chosen blueprint and the search text. */
export const validateEntitiesSearch = searchSchema(listShape);
export type EntitiesSearch = SearchOf<typeof listShape>;

export const ACTIVITY_KINDS = ['workflowRun', 'actionRun', 'change'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const entityShape = { kind: enumParam(ACTIVITY_KINDS), status: enumParam(ACTIVITY_STATUSES) };

/** The entity page: the activity feed's filters. */
export const validateEntitySearch = searchSchema(entityShape);
export type EntitySearch = SearchOf<typeof entityShape>;
