import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createSimulator } from './simulator';

/**
 * `npm run simulate -- --rate 5 [--url http://localhost:3000] [--customers 48] [--seed 7]`:
 * simulated customers against any running Parley whose demo business exists (same data folder
 * or same META_APP_SECRET). From this process they only chat: the bot's replies, payment links
 * included, go to the Graph stand-in inside the server's process, which this process cannot
 * hear, so these customers never pay, decline or abandon a link (the server's own simulator
 * answers only its own customers).
 */
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1' },
    url: { type: 'string' },
    customers: { type: 'string' },
    seed: { type: 'string' },
  },
});
const config = loadConfig();
const log = createLogger({ level: config.logLevel, nodeId: 'simulator' });
const baseUrl = values.url ?? config.publicUrl ?? `http://localhost:${config.port}`;
const simulator = createSimulator({
  baseUrl,
  appSecret: config.secrets.metaAppSecret,
  rate: Number(values.rate),
  ...(values.customers ? { customers: Number(values.customers) } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  log,
});
simulator.start();
process.stdout.write(
  `Simulating customers against ${baseUrl} at ${values.rate}/s (Ctrl-C to stop).\n` +
    `They only chat: the payment links go to the server's own Graph stand-in, out of earshot.\n`,
);
process.on('SIGINT', () => {
  simulator.stop();
  process.stdout.write(`\nSent ${simulator.sent} webhooks.\n`);
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
