import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message (headers and body) as the client sent it. */
  data: string;
}

export interface SmtpSink extends AsyncDisposable {
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** Connections accepted so far, greeted or not. */
  readonly connections: number;
  /**
   * While stalled, the sink accepts connections and never greets them: the tarpit of security
   * review M3, which nodemailer's default timeouts wait out for 30 s or more. Ending the stall
   * drops those connections.
   */
  stall(stalled: boolean): void;
}

/**
 * The smallest SMTP server nodemailer will talk to (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT; no
 * TLS, no auth), keeping what it receives. Owner emails are then checked as really sent.
 */
const RESPONSES: Record<string, string> = {
  EHLO: '250 sink',
  HELO: '250 sink',
  DATA: '354 go ahead',
  QUIT: '221 bye',
};

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  let stalled = false;
  let connections = 0;
  const held = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    if (stalled) {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      socket.on('error', () => socket.destroy());
      return;
    }
    let buffer = '';
    let inData = false;
    let current: ReceivedMail = { from: '', to: [], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          mails.push(current);
          current = { from: '', to: [], data: '' };
          reply('250 queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'MAIL') current.from = line.slice(10);
        if (verb === 'RCPT') current.to.push(line.slice(8));
        if (verb === 'DATA') inData = true;
        reply(RESPONSES[verb] ?? '250 ok');
        if (verb === 'QUIT') socket.end();
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    get connections() {
      return connections;
    },
    stall(value) {
      stalled = value;
      // Recovering drops the tarpitted connections, as a restarted server would.
      if (!value) for (const socket of held) socket.destroy();
    },
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        for (const socket of held) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
