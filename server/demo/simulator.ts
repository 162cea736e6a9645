import type { Logger } from 'pino';
import type { Channel } from '../../shared/domain';
import { DEMO_ACCOUNTS } from './demo-seed';
import { customerText, signDelivery } from './simulated-payloads';

/** What simulated customers say, in order; each one walks a script of a typical chat. */
const SCRIPTS: readonly (readonly string[])[] = [
  ['Hi!', 'How much is the blue mug?', 'I want 2 blue mugs', 'Thanks!'],
  ['Hello, do you have the red mug in stock?', 'Great, I want 1 red mug', 'When will it ship?'],
  ['Hey', 'What do you sell?', 'Can I talk to a human?', 'It is about a wholesale order'],
  ['Bonjour 👋', 'Le sac tote coûte combien ?', 'I want 1 tote bag', 'Merci !'],
  ['Is the cedar candle available?', 'I want 3 cedar candles', 'Where is my order?'],
];
const NAMES = [
  'Ada',
  'Kofi',
  'Zoë',
  'Ngozi',
  'Mateo',
  'Aiko',
  'Chinedu',
  'Priya',
  'Lars',
  'Amara',
  'Yusuf',
  'Elena',
];

export interface SimulatorOptions {
  baseUrl: string;
  appSecret: string;
  /** Deliveries per second. */
  rate: number;
  customers?: number;
  accounts?: Record<Channel, string>;
  log: Logger;
}

/**
 * The demo's customer simulator: posts correctly signed Meta webhooks for all three channels
 * through the real endpoint, so everything downstream (intake, actors, bot, inbox) is the real
 * product at work.
 */
export function createSimulator(options: SimulatorOptions) {
  const accounts = options.accounts ?? DEMO_ACCOUNTS;
  const channels: Channel[] = ['whatsapp', 'messenger', 'instagram'];
  const customers = Array.from({ length: options.customers ?? 12 }, (_, i) => ({
    channel: channels[i % channels.length]!,
    id:
      channels[i % channels.length] === 'whatsapp'
        ? `1555010${String(i).padStart(4, '0')}`
        : `sim-${i}-${Date.now() % 100000}`,
    name: NAMES[i % NAMES.length]!,
    script: SCRIPTS[i % SCRIPTS.length]!,
    line: 0,
  }));
  let timer: NodeJS.Timeout | undefined;
  let sent = 0;

  async function tick(): Promise<void> {
    const waiting = customers.filter((c) => c.line < c.script.length);
    if (waiting.length === 0) for (const c of customers) c.line = 0;
    const customer = (waiting.length > 0 ? waiting : customers)[
      Math.floor(Math.random() * (waiting.length || customers.length))
    ]!;
    const text = customer.script[customer.line++]!;
    const delivery = signDelivery(
      customerText(customer.channel, accounts[customer.channel], customer.id, text, customer.name),
      options.appSecret,
    );
    try {
      const res = await fetch(`${options.baseUrl}/api/webhooks/meta`, {
        method: 'POST',
        ...delivery,
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      sent++;
      if (res.status !== 200)
        options.log.warn({ event: 'simulator.refused', status: res.status }, 'webhook refused');
    } catch (err) {
      options.log.debug({ event: 'simulator.unreachable', err }, 'server not reachable');
    }
  }

  return {
    start() {
      timer = setInterval(() => void tick(), Math.max(10, Math.round(1000 / options.rate)));
      timer.unref();
      void tick();
    },
    stop() {
      clearInterval(timer);
    },
    get sent() {
      return sent;
    },
  };
}
