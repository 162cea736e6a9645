import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createSimulator } from './simulator';

/**
 * `npm run simulate -- --rate 5 [--url http://localhost:3000]`: simulated customers against
 * any running Parley whose demo business exists (same data folder or same META_APP_SECRET).
 */
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1' },
    url: { type: 'string' },
    customers: { type: 'string', default: '12' },
  },
});
const config = loadConfig();
const log = createLogger({ level: config.logLevel, nodeId: 'simulator' });
const baseUrl = values.url ?? config.publicUrl ?? `http://localhost:${config.port}`;
const simulator = createSimulator({
  baseUrl,
  appSecret: config.secrets.metaAppSecret,
  rate: Number(values.rate),
  customers: Number(values.customers),
  log,
});
simulator.start();
process.stdout.write(
  `Simulating customers against ${baseUrl} at ${values.rate}/s (Ctrl-C to stop)\n`,
);
process.on('SIGINT', () => {
  simulator.stop();
  process.stdout.write(`\nSent ${simulator.sent} webhooks.\n`);
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
