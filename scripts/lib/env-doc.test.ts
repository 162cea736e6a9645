import { describe, expect, it } from 'vitest';
import { ENV_SECTIONS, envSchema } from '../../server/env.schema';
import { describeSection, describeVar, renderConfigDoc } from './env-doc';

describe('describeVar', () => {
  it('reads the default, range and description through the preprocess wrapper', () => {
    expect(describeVar('PORT', envSchema.shape.PORT)).toEqual({
      name: 'PORT',
      default: '`3000`',
      allowed: 'integer 0–65535',
      description: 'HTTP, webhooks and socket.io port (`0` picks a free one).',
    });
    expect(describeVar('LEASE_TTL_MS', envSchema.shape.LEASE_TTL_MS).default).toBe('`3000` (3 s)');
    expect(describeVar('DATABASE_URL', envSchema.shape.DATABASE_URL).allowed).toBe(
      'postgres:// or postgresql:// URL',
    );
    expect(describeVar('LOG_LEVEL', envSchema.shape.LOG_LEVEL).allowed).toContain('`silent`');
  });
});

describe('the env doc', () => {
  it('has every variable of the schema in exactly one section, each described', () => {
    const rows = ENV_SECTIONS.flatMap((s) => describeSection(s));
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(envSchema.shape).sort());
    for (const row of rows) expect(row.description.length).toBeGreaterThan(5);
  });

  it('renders one table per section', () => {
    const md = renderConfigDoc(ENV_SECTIONS);
    expect(md.match(/^## /gm)).toHaveLength(ENV_SECTIONS.length);
    expect(md).toContain('| `JWT_PREVIOUS_SECRETS` |');
  });
});
