import { describe, expect, it } from 'vitest';
import { matchPath, safeNextPath } from './match-path';

describe('matchPath', () => {
  it('matches literal segments and decodes params', () => {
    expect(matchPath('/settings/:section', '/settings/audit-log')).toEqual({
      section: 'audit-log',
    });
    expect(matchPath('/settings/:section', '/settings/a%20b')).toEqual({ section: 'a b' });
    expect(matchPath('/settings', '/settings/')).toEqual({});
    expect(matchPath('/settings/:section', '/settings')).toBeNull();
    expect(matchPath('/settings/:section', '/settings/team/extra')).toBeNull();
    expect(matchPath('/settings/:section', '/settings/%E0%A4%A')).toBeNull();
  });

  it('matches the rest of the path with *', () => {
    expect(matchPath('/inbox/*', '/inbox')).toEqual({ '*': '' });
    expect(matchPath('/inbox/*', '/inbox/c1/messages')).toEqual({ '*': 'c1/messages' });
    expect(matchPath('/inbox/*', '/inboxes')).toBeNull();
  });
});

describe('safeNextPath', () => {
  it('keeps same-origin paths and refuses everything that could leave the site', () => {
    expect(safeNextPath('/settings/team?x=1')).toBe('/settings/team?x=1');
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '',
    ]) {
      expect(safeNextPath(bad)).toBe('/inbox');
    }
    expect(safeNextPath(null, '/analytics')).toBe('/analytics');
  });

  it('never sends a signed-in person back to a sign-in page', () => {
    expect(safeNextPath('/sign-in?next=/x')).toBe('/inbox');
    expect(safeNextPath('/register')).toBe('/inbox');
  });
});
