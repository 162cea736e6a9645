import type { OrderStatus } from '../../shared/domain';
import type { OrderItem } from '../persistence/schema';
import { formatMoney } from '../../shared/money';
import { orderCode } from './orders.pg';

/**
 * Texts commerce effects send to customers themselves (the machine's own texts are the
 * templates in server/runtime/templates.ts).
 */
export const NO_ORDER_TEXT =
  "I can't find an order in this conversation yet. Tell me what you'd like and I'll set one up.";

const summary = (items: readonly OrderItem[]) =>
  items.map((i) => `${i.quantity} × ${i.name}`).join(', ');

export function orderStatusText(order: {
  id: string;
  status: OrderStatus;
  items: readonly OrderItem[];
  totalMinor: number;
  currency: string;
  checkoutUrl: string | null;
}): string {
  const what = `Your order ${orderCode(order.id)} (${summary(order.items)}, ${formatMoney(order.totalMinor, order.currency)})`;
  switch (order.status) {
    case 'pending':
      return order.checkoutUrl
        ? `${what} is waiting for payment. You can pay here: ${order.checkoutUrl}`
        : `${what} is waiting for payment.`;
    case 'paid':
      return `${what} is paid. Thank you! We're getting it ready.`;
    case 'expired':
      return `${what} expired before it was paid. Ask me any time for a new payment link.`;
    case 'failed':
    case 'cancelled':
      return `${what} was not completed. Ask me any time to start again.`;
  }
}
