import { describe, expect, it } from 'vitest';
import messengerFixture from './fixtures/meta/messenger-text.json';
import whatsappFixture from './fixtures/meta/whatsapp-text.json';
import {
  metaBatch,
  metaEcho,
  metaPostback,
  metaTextMessage,
  whatsappInteractiveReply,
  whatsappMedia,
  whatsappStatus,
} from './meta-payloads';
import {
  flutterwaveChargeCompleted,
  flutterwaveLegacyCharge,
  paystackChargeSuccess,
  stripeCheckoutCompleted,
} from './payment-payloads';

const PAGE = '104829371234567';
const IG = '17841400000000001';
const PHONE = '106540352242922';

describe('Meta payload builders', () => {
  it('builds a Messenger text in the fixture’s shape with fresh ids', () => {
    const a = metaTextMessage({
      channel: 'messenger',
      pageOrPhoneId: PAGE,
      from: '65',
      text: 'Hi',
    });
    const b = metaTextMessage({
      channel: 'messenger',
      pageOrPhoneId: PAGE,
      from: '65',
      text: 'Hi',
    });
    expect(Object.keys(a.entry[0] ?? {})).toEqual(Object.keys(messengerFixture.entry[0] ?? {}));
    expect(a).toMatchObject({
      object: 'page',
      entry: [
        {
          id: PAGE,
          messaging: [{ sender: { id: '65' }, recipient: { id: PAGE }, message: { text: 'Hi' } }],
        },
      ],
    });
    const mid = (p: typeof a) =>
      (p.entry[0]?.messaging as { message: { mid: string } }[])[0]?.message.mid;
    expect(mid(a)).toMatch(/^m_/);
    expect(mid(a)).not.toBe(mid(b));
  });

  it('builds Instagram texts, echoes and postbacks', () => {
    const text = metaTextMessage({
      channel: 'instagram',
      pageOrPhoneId: IG,
      from: '98',
      text: 'x',
    });
    expect(text.object).toBe('instagram');
    const echo = metaEcho({
      channel: 'instagram',
      pageId: IG,
      to: '98',
      text: 'sent',
      appId: '777',
    });
    expect(echo.entry[0]?.messaging).toMatchObject([
      { sender: { id: IG }, recipient: { id: '98' }, message: { is_echo: true, app_id: 777 } },
    ]);
    const postback = metaPostback({
      channel: 'messenger',
      pageId: PAGE,
      from: '65',
      payload: 'BUY',
      title: 'Buy',
    });
    expect(postback.entry[0]?.messaging).toMatchObject([
      { postback: { payload: 'BUY', title: 'Buy' } },
    ]);
  });

  it('builds WhatsApp texts with string-seconds timestamps, keyed by phone_number_id', () => {
    const payload = metaTextMessage({
      channel: 'whatsapp',
      pageOrPhoneId: PHONE,
      from: '16505551234',
      text: 'two mugs',
      timestamp: 1_764_050_520_123,
    });
    expect(payload).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: whatsappFixture.entry[0]?.id,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: PHONE },
                contacts: [{ wa_id: '16505551234' }],
                messages: [
                  {
                    from: '16505551234',
                    timestamp: '1764050520',
                    type: 'text',
                    text: { body: 'two mugs' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('builds WhatsApp statuses, interactive replies and media', () => {
    const failed = whatsappStatus({
      phoneNumberId: PHONE,
      wamid: 'wamid.A',
      status: 'failed',
      recipientId: '1',
    });
    const value = (p: typeof failed) =>
      (p.entry[0]?.changes as { value: Record<string, unknown> }[])[0]?.value;
    expect(value(failed)?.statuses).toMatchObject([
      {
        id: 'wamid.A',
        status: 'failed',
        errors: [{ code: 131047, error_data: { details: expect.any(String) } }],
      },
    ]);
    const delivered = whatsappStatus({
      phoneNumberId: PHONE,
      wamid: 'wamid.A',
      status: 'delivered',
      recipientId: '1',
    });
    expect(value(delivered)?.statuses).toMatchObject([
      { status: 'delivered', pricing: { pricing_model: 'PMP' } },
    ]);
    const tap = whatsappInteractiveReply({
      phoneNumberId: PHONE,
      from: '1',
      replyId: 'BUY',
      title: 'Buy',
      contextId: 'wamid.B',
    });
    expect(value(tap)?.messages).toMatchObject([
      {
        type: 'interactive',
        context: { id: 'wamid.B' },
        interactive: { type: 'button_reply', button_reply: { id: 'BUY' } },
      },
    ]);
    const image = whatsappMedia({
      phoneNumberId: PHONE,
      from: '1',
      type: 'image',
      mediaId: '55',
      mimeType: 'image/jpeg',
    });
    expect(value(image)?.messages).toMatchObject([
      { type: 'image', image: { id: '55', mime_type: 'image/jpeg' } },
    ]);
  });

  it('batches entries of one object and refuses to mix objects', () => {
    const a = metaTextMessage({ channel: 'messenger', pageOrPhoneId: PAGE, from: '1', text: 'a' });
    const b = metaTextMessage({ channel: 'messenger', pageOrPhoneId: '2', from: '1', text: 'b' });
    expect(metaBatch(a, b).entry).toHaveLength(2);
    const ig = metaTextMessage({ channel: 'instagram', pageOrPhoneId: IG, from: '1', text: 'c' });
    expect(() => metaBatch(a, ig)).toThrow();
  });
});

describe('payment payload builders', () => {
  it('builds Stripe, Paystack and Flutterwave success events from the fixtures', () => {
    expect(stripeCheckoutCompleted({ clientReferenceId: 'o1', amountTotal: 700 })).toMatchObject({
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          object: 'checkout.session',
          client_reference_id: 'o1',
          amount_total: 700,
          payment_status: 'paid',
        },
      },
    });
    expect(paystackChargeSuccess({ reference: 'r1', amount: 500_00 })).toMatchObject({
      event: 'charge.success',
      data: { reference: 'r1', amount: 50_000, status: 'success', currency: 'NGN' },
    });
    expect(flutterwaveChargeCompleted({ txRef: 't1', amount: 150 })).toMatchObject({
      event: 'charge.completed',
      'event.type': 'CARD_TRANSACTION',
      data: { tx_ref: 't1', amount: 150, status: 'successful' },
    });
    expect(flutterwaveLegacyCharge({ txRef: 't1', amount: 150, status: 'failed' })).toMatchObject({
      txRef: 't1',
      status: 'failed',
      'event.type': 'CARD_TRANSACTION',
    });
  });
});
