import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * nodemailer on `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…`) with timeouts of a few
 * seconds: nodemailer's own are minutes (connect 2 min, greeting 30 s, socket 10 min), and a
 * tarpitting server must cost one short, retried job, not a stalled worker.
 */
export function createSmtpMailer(smtp: { url: string; from: string; timeoutMs: number }): Mailer {
  const transport = nodemailer.createTransport({
    url: smtp.url,
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs * 2,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(message) {
      await transport.sendMail({ from: smtp.from, ...message });
    },
  };
}
