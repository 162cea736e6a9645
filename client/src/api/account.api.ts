import { auditContracts } from '../../../shared/api/audit.contract';
import { privacyContracts } from '../../../shared/api/privacy.contract';
import type { DeleteAccountRequest } from '../../../shared/privacy.schema';
import { invalidResponse } from './api-error';
import { api } from './client';

const exportContract = privacyContracts.exportAccount;

/** The export as the server wrote it (checked against the schema) and its file name. */
export async function downloadExport(): Promise<{ text: string; filename: string }> {
  const res = await api.fetchRaw(exportContract);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidResponse(res.status);
  }
  const bundle = exportContract.responses[200].json.safeParse(parsed);
  if (!bundle.success) throw invalidResponse(res.status);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return {
    text,
    filename: named?.[1] ?? `parley-export-${bundle.data.exportedAt.slice(0, 10)}.json`,
  };
}

export const deleteAccount = (body: DeleteAccountRequest) =>
  api.call(privacyContracts.deleteAccount, { body });

export const getAuditLog = (cursor?: string) =>
  api.call(auditContracts.list, { query: { cursor, limit: 50 } });
