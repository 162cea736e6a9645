import PDFDocument from 'pdfkit';
import type { OrderStatus } from '../../shared/domain';
import { formatMoney } from '../../shared/money';
import type { InvoiceRow } from './invoices.pg';

export interface InvoiceDocument {
  invoice: InvoiceRow;
  orderStatus: OrderStatus;
  businessName: string;
}

const COLUMNS = { item: 50, qty: 330, unit: 390, total: 480 } as const;

/**
 * The invoice as a PDF (pdfkit, built-in Helvetica: text outside Latin-1 is not drawn, a known
 * limit of the standard fonts). The number is also the document title.
 */
export function renderInvoicePdf(docData: InvoiceDocument): Promise<Buffer> {
  const { invoice, orderStatus, businessName } = docData;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Invoice ${invoice.numberText}`, Author: businessName, Producer: 'Parley' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const money = (minor: number) => formatMoney(minor, invoice.currency);
  doc.font('Helvetica-Bold').fontSize(20).text(businessName);
  doc.moveDown(0.5).fontSize(14).text(`Invoice ${invoice.numberText}`);
  doc.font('Helvetica').fontSize(10);
  doc.text(`Issued: ${invoice.issuedAt.toISOString().slice(0, 10)}`);
  if (invoice.customerName) doc.text(`Billed to: ${invoice.customerName}`);
  doc.text(`Status: ${orderStatus === 'paid' ? 'PAID' : 'DUE'}`);
  doc.moveDown();

  const header = doc.y;
  doc.font('Helvetica-Bold');
  doc.text('Item', COLUMNS.item, header);
  doc.text('Qty', COLUMNS.qty, header);
  doc.text('Unit', COLUMNS.unit, header);
  doc.text('Total', COLUMNS.total, header);
  doc.font('Helvetica');
  for (const item of invoice.items) {
    const y = doc.y + 4;
    doc.text(`${item.name} (${item.sku})`, COLUMNS.item, y, {
      width: COLUMNS.qty - COLUMNS.item - 10,
    });
    const after = doc.y;
    doc.text(String(item.quantity), COLUMNS.qty, y);
    doc.text(money(item.unitPriceMinor), COLUMNS.unit, y);
    doc.text(money(item.unitPriceMinor * item.quantity), COLUMNS.total, y);
    doc.y = Math.max(after, doc.y);
  }
  doc.moveDown();
  doc.font('Helvetica-Bold').text(`Total due: ${money(invoice.totalMinor)}`, COLUMNS.item);
  doc.end();
  return done;
}
