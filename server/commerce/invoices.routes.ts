import { commerceContracts } from '../../shared/api/commerce.contract';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Invoice } from '../../shared/commerce.schema';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { content, defineRoute, json, type Route } from '../http/route';
import type { Database, Db } from '../persistence/db';
import { businesses, conversations, orders } from '../persistence/schema';
import type { Runtime } from '../runtime/runtime';
import { renderTemplate } from '../runtime/templates';
import type { InvoiceLinks } from './invoice-links';
import { assertMayMessage } from './agent-order';
import { renderInvoicePdf } from './invoice-pdf';
import { findInvoice, findInvoiceById, issueInvoice, type InvoiceRow } from './invoices.pg';

export interface InvoiceRouteDeps {
  database: Database;
  runtime: Runtime;
  links: InvoiceLinks;
  baseUrl(): string;
}

function toDto(
  deps: InvoiceRouteDeps,
  row: { invoice: InvoiceRow; orderStatus: Invoice['orderStatus'] },
): Invoice {
  const { invoice } = row;
  return {
    id: invoice.id,
    orderId: invoice.orderId,
    number: invoice.numberText,
    items: invoice.items,
    totalMinor: invoice.totalMinor,
    currency: invoice.currency,
    customerName: invoice.customerName,
    orderStatus: row.orderStatus,
    issuedAt: invoice.issuedAt.toISOString(),
    pdfUrl: `${deps.baseUrl()}/api/invoices/${invoice.id}.pdf`,
    customerUrl: deps.links.urlFor(invoice.id),
  };
}

async function pdfReply(db: Db, row: { invoice: InvoiceRow; orderStatus: Invoice['orderStatus'] }) {
  const [business] = await db
    .select({ name: businesses.name })
    .from(businesses)
    .where(eq(businesses.id, row.invoice.businessId));
  const pdf = await renderInvoicePdf({ ...row, businessName: business?.name ?? '' });
  return content(pdf, 'application/pdf', 200, {
    'content-disposition': `inline; filename="${row.invoice.numberText}.pdf"`,
    'cache-control': 'private, no-store',
  });
}

/**
 * Invoices (api.md, Commerce). The router matches whole segments, so `GET /api/invoices/:id`
 * reads a `.pdf` suffix itself. Customers have no login: they open the signed link they were
 * sent (`/api/invoice-links/:token`), which names one invoice and nothing else.
 */
export function invoiceRoutes(deps: InvoiceRouteDeps): Route[] {
  const { database } = deps;
  const { db } = database;
  return [
    defineRoute(commerceContracts.getInvoice, async (ctx) => {
      const raw = ctx.params.id;
      const wantsPdf = raw.endsWith('.pdf');
      const id = uuidParam(wantsPdf ? raw.slice(0, -4) : raw);
      return database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const row = await findInvoice(tx, ctx.auth.businessId, id);
        if (!row) throw new AppError('not_found');
        return wantsPdf ? pdfReply(tx, row) : json(toDto(deps, row));
      });
    }),

    defineRoute(commerceContracts.invoiceLink, async (ctx) => {
      const id = deps.links.verify(ctx.params.token);
      if (!id) throw new AppError('not_found');
      const row = await findInvoiceById(db, id);
      if (!row) throw new AppError('not_found');
      return pdfReply(db, row);
    }),

    defineRoute(commerceContracts.issueInvoice, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const orderId = uuidParam(ctx.params.id);
      const issued = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const [conversation] = await tx
          .select({
            id: conversations.id,
            state: conversations.state,
            assigneeId: conversations.assigneeId,
          })
          .from(orders)
          .innerJoin(conversations, eq(conversations.id, orders.conversationId))
          .where(and(eq(orders.businessId, businessId), eq(orders.id, orderId)));
        // Checked before anything is issued: the refusal changes nothing.
        if (conversation) assertMayMessage(conversation.assigneeId, userId);
        const result = await issueInvoice(tx, businessId, orderId);
        if (!result) throw new AppError('not_found');
        const row = await findInvoice(tx, businessId, result.invoice.id);
        return { created: result.created, row, conversation };
      });
      if (!issued.row) throw new AppError('not_found');
      const { invoice } = issued.row;
      // Sent by the agent who asked; never to a contact who opted out.
      if (issued.conversation && issued.conversation.state !== 'optedOut') {
        const conversationId = issued.conversation.id;
        await deps.database.transaction((tx) =>
          deps.runtime.outbound.queue(tx, {
            businessId,
            conversationId,
            author: 'agent',
            agentId: userId,
            key: `invoice:${invoice.id}:${randomUUID()}`,
            text: renderTemplate('invoice_link', {
              number: invoice.numberText,
              url: deps.links.urlFor(invoice.id),
            }),
          }),
        );
      }
      return json(toDto(deps, issued.row), issued.created ? 201 : 200);
    }),
  ];
}
