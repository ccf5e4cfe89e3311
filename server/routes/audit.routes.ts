import { z } from 'zod';
import { auditLogEntrySchema, auditQuerySchema } from '../../contract/entities';
import { defineRoute, ok } from '../http/openapi';

export const listAudit = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List audit entries, newest first',
  request: { query: auditQuerySchema },
  responses: {
    200: ok('A page of entries', {
      audits: z.array(auditLogEntrySchema),
      nextCursor: z.string().nullable(),
    }),
  },
});
