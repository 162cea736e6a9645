import type { CommerceNotice } from '../../shared/commerce.schema';
import { formatMoney } from '../../shared/money';
import { orderCode } from './orders.pg';

export interface NoticeEmail {
  subject: string;
  text: string;
}

/** The owner's email for a notice: short, ids and amounts only, never customer messages. */
export function buildNoticeEmail(notice: CommerceNotice, businessName: string): NoticeEmail {
  const order = orderCode(notice.orderId);
  switch (notice.kind) {
    case 'order_paid': {
      const amount = formatMoney(notice.amountMinor, notice.currency);
      return {
        subject: `${businessName}: order ${order} paid (${amount})`,
        text: [
          `Order ${order} was paid: ${amount} through ${notice.provider}.`,
          `Payment reference: ${notice.reference}`,
          '',
          'The customer has been sent a receipt and the stock has been updated.',
        ].join('\n'),
      };
    }
    case 'payment_mismatch':
    case 'payment_unmatched':
      return {
        subject: `${businessName}: a payment for order ${order} needs a look`,
        text: [
          notice.kind === 'payment_mismatch'
            ? `A ${notice.provider} payment report for order ${order} did not match the order, so it was not applied.`
            : `A ${notice.provider} payment arrived for order ${order}, which is no longer waiting for payment.`,
          `Reason: ${notice.reason}`,
          `Payment reference: ${notice.reference}`,
          '',
          'Check the payment in your provider dashboard before you refund or fulfil it by hand.',
        ].join('\n'),
      };
  }
}
