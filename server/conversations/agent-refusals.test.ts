import { describe, expect, it } from 'vitest';
import { refusalMessage } from './agent-refusals';

const me = '00000000-0000-4000-8000-000000000001';
const other = '00000000-0000-4000-8000-000000000002';

describe('refusalMessage', () => {
  it('names the other agent’s claim', () => {
    expect(refusalMessage('claim', { state: 'handoff', assigneeId: other }, me)).toBe(
      'Another agent already claimed this conversation.',
    );
    expect(refusalMessage('claim', { state: 'handoff', assigneeId: me }, me)).toMatch(/already/);
    expect(refusalMessage('claim', { state: 'bot', assigneeId: null }, me)).toMatch(
      /waiting for a human/,
    );
  });

  it('explains release, close and reply refusals', () => {
    for (const command of ['release', 'close', 'reply'] as const)
      expect(refusalMessage(command, { state: 'handoff', assigneeId: other }, me)).toBe(
        'This conversation is assigned to another agent.',
      );
    expect(refusalMessage('release', { state: 'bot', assigneeId: null }, me)).toMatch(
      /not assigned/,
    );
    expect(refusalMessage('reply', { state: 'handoff', assigneeId: null }, me)).toMatch(/^Claim/);
    expect(refusalMessage('close', { state: 'closed', assigneeId: null }, me)).toMatch(
      /already closed/,
    );
    expect(refusalMessage('reply', { state: 'optedOut', assigneeId: null }, me)).toMatch(
      /opted out/,
    );
    expect(refusalMessage('close', { state: 'optedOut', assigneeId: null }, me)).toMatch(
      /opted out/,
    );
  });

  it('falls back to a generic reason', () => {
    expect(refusalMessage('close', { state: 'bot', assigneeId: null }, me)).toMatch(
      /current state/,
    );
  });
});
