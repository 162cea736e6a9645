import { EventEmitter } from 'node:events';
import { and, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { CommerceNotice } from '../../shared/commerce.schema';
import type { Db } from '../persistence/db';
import { businesses, memberships, users } from '../persistence/schema';
import { buildNoticeEmail } from './notice-email';

/**
 * The owner-notification port. The socket layer subscribes with `subscribe` and forwards each
 * notice to the business room (e.g. as `commerce:notice`); email goes out when SMTP is
 * configured. Delivery is best effort and after the commit: a notice never blocks or undoes
 * the sale it reports.
 */
export interface Notifications {
  notify(notice: CommerceNotice): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (notice: CommerceNotice) => void): () => void;
}

export interface Mailer {
  send(message: { to: string[]; subject: string; text: string }): Promise<void>;
}

/** nodemailer on `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…`). */
export function createSmtpMailer(smtp: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(smtp.url);
  return {
    async send(message) {
      await transport.sendMail({ from: smtp.from, ...message });
    },
  };
}

export function createNotifications(deps: {
  db: Db;
  log: Logger;
  mailer: Mailer | null;
}): Notifications {
  const emitter = new EventEmitter<{ notice: [CommerceNotice] }>();
  emitter.setMaxListeners(0);

  async function email(notice: CommerceNotice): Promise<void> {
    if (!deps.mailer) return;
    const owners = await deps.db
      .select({ email: users.email, business: businesses.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(businesses, eq(businesses.id, memberships.businessId))
      .where(and(eq(memberships.businessId, notice.businessId), eq(memberships.role, 'owner')));
    if (owners.length === 0) return;
    const message = buildNoticeEmail(notice, owners[0]?.business ?? 'Parley');
    await deps.mailer.send({ to: owners.map((o) => o.email), ...message });
  }

  return {
    async notify(notice) {
      deps.log.info(
        {
          event: `commerce.${notice.kind}`,
          businessId: notice.businessId,
          orderId: notice.orderId,
        },
        'owner notified',
      );
      for (const listener of emitter.listeners('notice')) {
        try {
          listener(notice);
        } catch (err) {
          deps.log.warn({ event: 'commerce.notice_listener_failed', err }, 'listener threw');
        }
      }
      await email(notice).catch((err: unknown) =>
        deps.log.warn(
          { event: 'commerce.notice_email_failed', orderId: notice.orderId, err },
          'owner email not sent',
        ),
      );
    },
    subscribe(listener) {
      emitter.on('notice', listener);
      return () => emitter.off('notice', listener);
    },
  };
}
