import type { Channel } from '../../shared/domain';

/** One chat of a simulated customer: small talk, then (usually) an order the bot can take. */
export interface Script {
  readonly chat: readonly string[];
  /** Asks the offline bot for a checkout; the customer then waits for the payment link. */
  readonly buy?: string;
}

/** Worded for the offline bot (`server/ai/offline-bot.ts`), so each `buy` gets a link. */
const SCRIPTS: readonly Script[] = [
  { chat: ['Hi!', 'How much is the blue mug?'], buy: 'I want 2 blue mugs' },
  { chat: ['Hello, do you have the red mug in stock?'], buy: 'Great, I want 1 red mug' },
  { chat: ['Hey, what do you sell?'], buy: 'I will take 1 black T-shirt' },
  { chat: ['Hey', 'What do you sell?', 'Can I talk to a human?', 'It is about a wholesale order'] },
  { chat: ['Bonjour 👋', 'Le sac tote coûte combien ?'], buy: 'I want 1 tote bag' },
  { chat: ['Is the cedar candle available?'], buy: 'I want 1 cedar candle' },
  { chat: ['Good morning!', 'Is the blue mug dishwasher safe?'], buy: 'I would like 1 blue mug' },
];

/** Said after a declined card; the conversation is back with the bot by then. */
const AFTER_DECLINE = [
  'Hmm, my card was declined. I will try again later.',
  'Looks like my bank said no, sorry. Maybe tomorrow!',
] as const;

const FIRST_NAMES = [
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
  'Tunde',
  'Wanjiru',
  'Sipho',
  'Fatou',
  'Kwame',
  'Leila',
  'Diego',
  'Hana',
  'Emeka',
  'Nadia',
  'Seun',
  'Inès',
] as const;
const LAST_NAMES = [
  'Okafor',
  'Mensah',
  'Adeyemi',
  'Kamau',
  'Dlamini',
  'Diallo',
  'Boateng',
  'Haddad',
  'García',
  'Tanaka',
  'Sharma',
  'Nilsson',
  'Novak',
  'Abubakar',
  'Mwangi',
  'Silva',
] as const;

const CHANNELS: readonly Channel[] = ['whatsapp', 'messenger', 'instagram'];

export interface SimulatedCustomer {
  readonly index: number;
  readonly channel: Channel;
  readonly id: string;
  /**
   * Sent on WhatsApp (`contacts[].profile.name`); Messenger and Instagram webhooks carry no
   * name, so Parley asks the Graph stand-in's profile lookup, which answers with this one.
   */
  readonly name: string;
  readonly script: Script;
  readonly afterDecline: string;
}

/**
 * Customer `index` of the pool: channels take turns, and a script count prime to three gives
 * every channel every script. WhatsApp numbers are the same on every run (a returning customer
 * continues the conversation); page-scoped ids carry `runTag`, as a new page would give them.
 */
export function simulatedCustomer(index: number, runTag: string): SimulatedCustomer {
  const channel = CHANNELS[index % CHANNELS.length]!;
  const first = FIRST_NAMES[index % FIRST_NAMES.length]!;
  // Offset per lap of first names, so the pool has no two people of the same name.
  const lap = Math.floor(index / FIRST_NAMES.length);
  const last = LAST_NAMES[(index + lap * 7) % LAST_NAMES.length]!;
  return {
    index,
    channel,
    id:
      channel === 'whatsapp'
        ? `1555010${String(index).padStart(4, '0')}`
        : `sim-${index}-${runTag}`,
    name: `${first} ${last}`,
    script: SCRIPTS[index % SCRIPTS.length]!,
    afterDecline: AFTER_DECLINE[index % AFTER_DECLINE.length]!,
  };
}

/**
 * The customer behind a page- or Instagram-scoped id the simulator made (`sim-<index>-<tag>`),
 * for the Graph stand-in's profile lookups: the id carries all it needs, so a server answers
 * for a simulator in another process too.
 */
export function simulatedCustomerById(id: string): SimulatedCustomer | null {
  const match = /^sim-(\d{1,6})-(\d{1,6})$/.exec(id);
  if (!match) return null;
  const customer = simulatedCustomer(Number(match[1]), match[2]!);
  return customer.id === id ? customer : null;
}

export type LinkOutcome = 'pay' | 'decline' | 'abandon';

/** mulberry32: a small seeded generator, so a `--seed` replays the same mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Out of every ten links: six paid, two declined, two abandoned, in a shuffled order. */
const DECK: readonly LinkOutcome[] = [
  'pay',
  'pay',
  'pay',
  'pay',
  'pay',
  'pay',
  'decline',
  'decline',
  'abandon',
  'abandon',
];

/**
 * What each customer does with the link it is sent. The first link of each channel is paid,
 * so a fresh demo shows conversion and revenue on every channel in its first minute; after
 * that a shuffled deck keeps the mix exact over every ten links.
 */
export function createOutcomeDeck(random: () => number) {
  const paidOn = new Set<Channel>();
  let deck: LinkOutcome[] = [];
  return {
    next(channel: Channel): LinkOutcome {
      if (!paidOn.has(channel)) {
        paidOn.add(channel);
        return 'pay';
      }
      if (deck.length === 0) {
        deck = [...DECK];
        for (let i = deck.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [deck[i], deck[j]] = [deck[j]!, deck[i]!];
        }
      }
      return deck.pop()!;
    },
  };
}
