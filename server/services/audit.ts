import type { AuditQuery } from '../../contract/entities';
import { listAudit as queryAudit, type RunRetention } from '../db/audit';
import type { DbOrTx } from '../db/client';
import { visibleAuditEntries } from '../db/visibility';
import type { Actor } from '../domain/permissions';

/** The audit log: members see entries of runs they may view (and every entry tied to no run). */
export const listAudit = (db: DbOrTx, query: AuditQuery, actor: Actor, retention: RunRetention) =>
  queryAudit(db, query, visibleAuditEntries(actor), retention);
