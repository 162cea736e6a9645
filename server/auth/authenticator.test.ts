import { describe, expect, it } from 'vitest';
import { roleAllows } from './authenticator';

describe('roleAllows', () => {
  it('maps member/admin/owner access onto roles', () => {
    const table = (['member', 'admin', 'owner'] as const).map((access) =>
      (['owner', 'admin', 'agent'] as const).filter((role) => roleAllows(access, role)),
    );
    expect(table).toEqual([['owner', 'admin', 'agent'], ['owner', 'admin'], ['owner']]);
  });
});
