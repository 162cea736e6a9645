import { auditLogQuerySchema, auditLogResponseSchema } from '../audit.schema';
import { defineContract } from './contract';

export const auditContracts = {
  list: defineContract({
    method: 'GET',
    path: '/api/audit-log',
    access: 'owner',
    tag: 'audit',
    summary: 'The audit log, newest first, paged by id',
    query: auditLogQuerySchema,
    responses: { 200: { description: 'A page.', json: auditLogResponseSchema } },
  }),
} as const;
