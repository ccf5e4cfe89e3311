import { Hono } from 'hono';
import { auditQuerySchema } from '../../contract/entities';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { readQuery } from '../http/validate';
import { listAudit } from '../services/audit';

export function auditRoutes(db: Db) {
  return new Hono<AuthEnv>().get('/', async (c) => {
    const query = readQuery(c, auditQuerySchema);
    return c.json({ ok: true, ...(await listAudit(db, query, c.get('actor'))) });
  });
}
