import type { ActivityQuery } from '../../contract/entities';
import { entityActivity as queryActivity } from '../db/activity';
import type { RunRetention } from '../db/audit';
import type { DbOrTx } from '../db/client';
import { visibleToSql } from '../db/visibility';
import type { Actor } from '../domain/permissions';

/** An entity's feed (runs about it, changes to it), as far as `actor` may view the runs. */
export const entityActivity = (
  db: DbOrTx,
  blueprint: string,
  entity: string,
  query: ActivityQuery,
  actor: Actor,
  retention: RunRetention,
) =>
  queryActivity(db, blueprint, entity, query, (columns) => visibleToSql(actor, columns), retention);
