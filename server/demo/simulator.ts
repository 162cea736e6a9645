import type { Logger } from 'pino';
import type { Channel } from '../../shared/domain';
import { DEMO_ACCOUNTS } from './demo-seed';
import type { DemoDelivery, DemoOutbox } from './demo-outbox';
import { answerPayLink, payLinkIn } from './simulated-checkout';
import {
  createOutcomeDeck,
  seededRandom,
  simulatedCustomer,
  type SimulatedCustomer,
} from './simulated-customers';
import { customerText, signDelivery } from './simulated-payloads';

/** Customers mid-conversation at once: few, so each reaches its order within seconds. */
const IN_CONVERSATION = 3;
/** How long a customer who asked to buy waits for the link before giving up. */
const LINK_WAIT_MS = 20_000;
/** "A few seconds" with the link open before pressing Pay or Decline. */
const PAY_DELAY_MS = [3000, 8000] as const;
const DECLINE_DELAY_MS = [2000, 5000] as const;

export interface SimulatorOptions {
  baseUrl: string;
  appSecret: string;
  /** Deliveries per second. */
  rate: number;
  /** Distinct customers, who take turns; a customer comes back once the pool has gone round. */
  customers?: number;
  accounts?: Record<Channel, string>;
  log: Logger;
  /**
   * The Graph stand-in's deliveries, in this process. With it customers wait for the payment
   * link and pay, decline or abandon it; without it (another server) they only chat.
   */
  outbox?: DemoOutbox;
  /** Seeds the pay/decline/abandon mix and the delays. */
  seed?: number;
}

interface Turn {
  readonly customer: SimulatedCustomer;
  lines: string[];
  /** `link`: asked to buy, waits for the link; `paying`: has it open. */
  phase: 'talking' | 'link' | 'paying';
  notBefore: number;
  lastSpoke: number;
  waitUntil: number;
}

/**
 * The demo's customer simulator: posts correctly signed Meta webhooks for all three channels
 * through the real endpoint, so everything downstream (intake, actors, bot, checkout, inbox) is
 * the real product at work. A few customers talk at a time, each walking a script towards an
 * order; with the outbox they hear the bot's payment link and use the pay page like a person.
 */
export function createSimulator(options: SimulatorOptions) {
  const accounts = options.accounts ?? DEMO_ACCOUNTS;
  const pool = Math.max(IN_CONVERSATION, options.customers ?? 48);
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const deck = createOutcomeDeck(random);
  const runTag = String(Date.now() % 100000);
  const between = ([min, max]: readonly [number, number]) => min + random() * (max - min);
  const { log } = options;
  let sent = 0;
  const timers = new Set<NodeJS.Timeout>();
  let talking: Turn[] = [];
  let next = 0;
  let interval: NodeJS.Timeout | undefined;
  let unlisten = () => {};

  const later = (ms: number, work: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void work();
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const leave = (turn: Turn) => {
    talking = talking.filter((t) => t !== turn);
  };

  function tick(): void {
    const now = Date.now();
    for (const t of talking.filter((t) => t.phase === 'link' && now > t.waitUntil)) leave(t);
    while (talking.length < IN_CONVERSATION) {
      const customer = simulatedCustomer(next++ % pool, runTag);
      const { chat, buy } = customer.script;
      const lines = [...chat, ...(buy ? [buy] : [])];
      talking.push({ customer, lines, phase: 'talking', notBefore: 0, lastSpoke: 0, waitUntil: 0 });
    }
    const turn = talking
      .filter((t) => t.phase === 'talking' && t.lines.length > 0 && t.notBefore <= now)
      .sort((a, b) => a.lastSpoke - b.lastSpoke)[0];
    if (!turn) return;
    const text = turn.lines.shift()!;
    turn.lastSpoke = now;
    if (turn.lines.length === 0) {
      if (options.outbox && text === turn.customer.script.buy) {
        turn.phase = 'link';
        turn.waitUntil = now + LINK_WAIT_MS;
      } else {
        leave(turn);
      }
    }
    void say(turn.customer, text);
  }

  function hear(delivery: DemoDelivery): void {
    const turn = talking.find((t) => t.customer.id === delivery.recipient && t.phase === 'link');
    const url = turn ? payLinkIn(delivery.text) : null;
    if (!turn || !url) return;
    turn.phase = 'paying';
    const outcome = deck.next(turn.customer.channel);
    const customer = turn.customer.name;
    log.debug({ event: 'simulator.link', customer, outcome }, 'simulated customer got a link');
    if (outcome === 'abandon') {
      // Never paid: the conversation's link expires (CHECKOUT_TTL_MS) with the bot saying so.
      leave(turn);
      return;
    }
    const delay = between(outcome === 'pay' ? PAY_DELAY_MS : DECLINE_DELAY_MS);
    later(delay, async () => {
      const ok = await answerPayLink(url, outcome).catch(() => false);
      if (!ok) {
        log.warn(
          { event: 'simulator.pay_page_failed', customer, url },
          'simulated customer could not use the pay page',
        );
      }
      if (outcome === 'pay' || !ok) {
        leave(turn);
        return;
      }
      turn.lines.push(turn.customer.afterDecline);
      turn.phase = 'talking';
      turn.notBefore = Date.now() + 1500;
    });
  }

  async function say(customer: SimulatedCustomer, text: string): Promise<void> {
    const { channel, id, name } = customer;
    const delivery = signDelivery(
      customerText(channel, accounts[channel], id, text, name),
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
        log.warn({ event: 'simulator.refused', status: res.status }, 'webhook refused');
    } catch (err) {
      log.debug({ event: 'simulator.unreachable', err }, 'server not reachable');
    }
  }

  return {
    start() {
      if (options.outbox) unlisten = options.outbox.listen(hear);
      interval = setInterval(tick, Math.max(10, Math.round(1000 / options.rate)));
      interval.unref();
      tick();
    },
    stop() {
      clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      unlisten();
    },
    get sent() {
      return sent;
    },
  };
}
