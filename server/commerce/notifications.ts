import { EventEmitter } from 'node:events';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { CommerceNotice } from '../../shared/commerce.schema';
import type { EmailOutbox } from '../email/email-outbox';
import type { Db } from '../persistence/db';
import { businesses } from '../persistence/schema';
import { buildNoticeEmail } from './notice-email';

/**
 * The owner-notification port. The socket layer subscribes with `subscribe` and forwards each
 * notice to the business room (e.g. as `commerce:notice`); e-mail to the owners is queued
 * (`EmailOutbox`), never sent inline. Delivery is best effort and after the commit: a notice
 * never blocks or undoes the sale it reports.
 */
export interface Notifications {
  notify(notice: CommerceNotice): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (notice: CommerceNotice) => void): () => void;
}

/** What a notice is about: the same notice raised twice (a redelivered webhook) is one mail. */
const noticeKey = (n: CommerceNotice) => `${n.kind}:${n.orderId}:${n.reference}`;

export function createNotifications(deps: {
  db: Db;
  log: Logger;
  email: EmailOutbox;
}): Notifications {
  const emitter = new EventEmitter<{ notice: [CommerceNotice] }>();
  emitter.setMaxListeners(0);

  async function email(notice: CommerceNotice): Promise<void> {
    const [business] = await deps.db
      .select({ name: businesses.name })
      .from(businesses)
      .where(eq(businesses.id, notice.businessId));
    const message = buildNoticeEmail(notice, business?.name ?? 'Parley');
    await deps.email.send(
      { businessId: notice.businessId, to: { role: 'owner' }, ...message },
      noticeKey(notice),
    );
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
          'owner email not queued',
        ),
      );
    },
    subscribe(listener) {
      emitter.on('notice', listener);
      return () => emitter.off('notice', listener);
    },
  };
}
