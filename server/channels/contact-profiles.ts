import type { Logger } from 'pino';
import { z } from 'zod';
import type { SecretBox } from '../crypto/secret-box';
import type { Database } from '../persistence/db';
import type { BackgroundJobs } from '../runtime/background-jobs';
import { integrationTokenContext } from '../settings/settings-secrets.pg';
import { GRAPH_API_VERSION } from './graph-sender';

/**
 * Names for Messenger and Instagram customers. Their webhooks carry only a page- or
 * Instagram-scoped id (WhatsApp's carry the profile name), so without this the inbox lists
 * people as long numbers. A new nameless contact is looked up once, off the webhook's path, with
 * the Page's token: Messenger's User Profile API (`first_name`, `last_name`), Instagram's
 * (`name`, `username`).
 */
export const CONTACT_PROFILE_QUEUE = 'contact-profile';

const jobSchema = z.object({ businessId: z.uuid(), contactId: z.uuid() });
type ProfileJob = z.infer<typeof jobSchema>;

const profileSchema = z.object({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  name: z.string().optional(),
  username: z.string().optional(),
});
const graphErrorSchema = z.object({ error: z.object({ code: z.number() }) });
/** Meta's own trouble, worth another try; anything else (no permission, gone) is final. */
const TRANSIENT = new Set([1, 2, 4, 17, 32, 341, 613]);

export interface ContactProfiles {
  /** Queues a lookup for a contact Meta gave no name; a contact is looked up once. */
  request(job: ProfileJob): Promise<void>;
}

/** `Ada Okafor`, else `@ada.okafor`; null when Meta has nothing to show. */
export function profileName(profile: z.infer<typeof profileSchema>): string | null {
  const full = [profile.first_name, profile.last_name].filter(Boolean).join(' ').trim();
  const name = full || profile.name?.trim() || (profile.username ? `@${profile.username}` : '');
  return name ? name.slice(0, 200) : null;
}

export function createContactProfiles(deps: {
  jobs: BackgroundJobs;
  database: Database;
  box: SecretBox;
  graphUrl: () => string;
  log: Logger;
}): ContactProfiles {
  const { log } = deps;

  async function lookUp(job: ProfileJob): Promise<void> {
    const [row] = await deps.database.sql.query<{
      channel: 'messenger' | 'instagram' | 'whatsapp';
      external_id: string;
      name: string | null;
      integration_id: string | null;
      access_token_enc: string | null;
    }>(
      `select k.channel, k.external_id, k.name, i.id as integration_id, i.access_token_enc
         from contacts k
         left join conversations c on c.contact_id = k.id
         left join integrations i on i.id = c.integration_id
        where k.id = $1 and k.business_id = $2
        limit 1`,
      [job.contactId, job.businessId],
    );
    if (!row || row.name || row.channel === 'whatsapp') return;
    if (!row.integration_id || !row.access_token_enc) return;
    let token: string;
    try {
      token = deps.box.decrypt(row.access_token_enc, integrationTokenContext(row.integration_id));
    } catch {
      return;
    }
    const fields = row.channel === 'messenger' ? 'first_name,last_name' : 'name,username';
    const base = `${deps.graphUrl().replace(/\/+$/, '')}/${GRAPH_API_VERSION}`;
    const res = await fetch(`${base}/${encodeURIComponent(row.external_id)}?fields=${fields}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const code = graphErrorSchema.safeParse(body).data?.error.code;
      // Thrown: the queue retries with backoff.
      if (res.status >= 500 || code === undefined || TRANSIENT.has(code)) {
        throw new Error(`Graph API answered ${res.status} (${code ?? 'no code'})`);
      }
      log.info(
        { event: 'contact.profile_refused', channel: row.channel, code },
        'Meta gives no profile for this contact',
      );
      return;
    }
    const parsed = profileSchema.safeParse(body);
    const name = parsed.success ? profileName(parsed.data) : null;
    if (!name) return;
    await deps.database.sql.query(
      `update contacts set name = $1, updated_at = now() where id = $2 and name is null`,
      [name, job.contactId],
    );
  }

  deps.jobs.define<ProfileJob>(
    CONTACT_PROFILE_QUEUE,
    { retryLimit: 4, retryDelaySeconds: 5, retryBackoff: true, expireInSeconds: 60 },
    (data) => lookUp(jobSchema.parse(data)),
  );

  return {
    async request(job) {
      try {
        await deps.jobs.send(CONTACT_PROFILE_QUEUE, job, { key: job.contactId });
      } catch (err) {
        log.warn({ event: 'contact.profile_queue_failed', err }, 'profile lookup not queued');
      }
    },
  };
}
