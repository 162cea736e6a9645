import { defineConfig } from 'drizzle-kit';

// Only generates SQL from the schema; it never connects, so it needs no credentials.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/persistence/schema.ts',
  out: './server/persistence/migrations',
});
