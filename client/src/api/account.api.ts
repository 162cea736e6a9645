import { auditLogResponseSchema } from '../../../shared/audit.schema';
import { accountExportSchema, type DeleteAccountRequest } from '../../../shared/privacy.schema';
import { invalidResponse } from './api-error';
import { api } from './client';

/** The export as the server wrote it (checked against the schema) and its file name. */
export async function downloadExport(): Promise<{ text: string; filename: string }> {
  const res = await api.fetchRaw('/api/account/export');
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidResponse(res.status);
  }
  const bundle = accountExportSchema.safeParse(parsed);
  if (!bundle.success) throw invalidResponse(res.status);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return {
    text,
    filename: named?.[1] ?? `parley-export-${bundle.data.exportedAt.slice(0, 10)}.json`,
  };
}

export const deleteAccount = (body: DeleteAccountRequest) =>
  api.request('/api/account', { method: 'DELETE', body });

export const getAuditLog = (cursor?: string) =>
  api.request('/api/audit-log', {
    query: { cursor, limit: 50 },
    schema: auditLogResponseSchema,
  });
