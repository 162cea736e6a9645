import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../persistence/db';
import { memberships, users } from '../persistence/schema';
import type { BackgroundJobs, JobPolicy } from '../runtime/background-jobs';
import type { Mailer } from './mailer';

export const EMAIL_QUEUE = 'email';

/** Who receives a mail, resolved when it is sent: a business's owners, or one member. */
const audienceSchema = z.union([
  z.object({ role: z.literal('owner') }),
  z.object({ userId: z.uuid() }),
]);

const emailJobSchema = z.object({
  businessId: z.uuid(),
  to: audienceSchema,
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(20_000),
});
export type OutgoingMail = z.infer<typeof emailJobSchema>;

export interface EmailOutbox {
  /**
   * Queues the mail and returns at once; the `email` queue sends it with short SMTP timeouts
   * and retries with backoff. `key` names what the mail is about: the same key is one mail.
   * Never throws: a mail that cannot even be queued is logged, and the caller carries on.
   */
  send(mail: OutgoingMail, key: string): Promise<void>;
}

/**
 * Owner and member e-mail off every request and every other job (security review M3: a slow
 * SMTP server delayed a webhook answer by 30 s and another tenant's paid order by 30.5 s).
 * Without `SMTP_URL` nothing is queued.
 */
export function createEmailOutbox(deps: {
  jobs: BackgroundJobs;
  db: Db;
  mailer: Mailer | null;
  log: Logger;
  policy: JobPolicy;
}): EmailOutbox {
  const { mailer, log } = deps;

  async function recipients(mail: OutgoingMail): Promise<string[]> {
    const rows = await deps.db
      .select({ email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(memberships.businessId, mail.businessId),
          'role' in mail.to
            ? eq(memberships.role, mail.to.role)
            : eq(memberships.userId, mail.to.userId),
        ),
      );
    return rows.map((r) => r.email);
  }

  if (mailer) {
    deps.jobs.define<OutgoingMail>(EMAIL_QUEUE, deps.policy, async (data) => {
      const mail = emailJobSchema.parse(data);
      const to = await recipients(mail);
      if (to.length === 0) return;
      try {
        await mailer.send({ to, subject: mail.subject, text: mail.text });
      } catch (err) {
        log.warn(
          { event: 'email.send_failed', businessId: mail.businessId, err },
          'e-mail not sent; it will be retried',
        );
        throw err;
      }
      log.info({ event: 'email.sent', businessId: mail.businessId }, 'e-mail sent');
    });
  }

  return {
    async send(mail, key) {
      if (!mailer) return;
      try {
        await deps.jobs.send(EMAIL_QUEUE, emailJobSchema.parse(mail), { key });
      } catch (err) {
        log.warn({ event: 'email.queue_failed', businessId: mail.businessId, err }, 'not queued');
      }
    },
  };
}
