import { describe, expect, it } from 'vitest';
import type { AiProviderOffer } from '../../../shared/settings.schema';
import { budgetHint, defaultLabel, modelLabel, modelSelection, perMillionTokens } from './ai-offer';

const OPENAI: AiProviderOffer = {
  configured: true,
  defaultModel: 'gpt-4o-mini',
  models: [
    { model: 'gpt-4o-mini', inputPerKTokens: 150, outputPerKTokens: 600 },
    { model: 'gpt-4.1', inputPerKTokens: 2000, outputPerKTokens: 8000 },
  ],
};

describe('the AI offer on the settings page', () => {
  it('shows prices', () => {
    expect(perMillionTokens(150)).toBe('$0.15');
    expect(perMillionTokens(50)).toBe('$0.05');
    expect(perMillionTokens(1)).toBe('$0.001');
    expect(perMillionTokens(15_000)).toBe('$15.00');
    expect(modelLabel(OPENAI.models[1]!)).toBe('gpt-4.1 · $2.00 in, $8.00 out');
    expect(defaultLabel(OPENAI)).toBe('Server default (gpt-4o-mini · $0.15 in, $0.60 out)');
    expect(defaultLabel({ configured: true, defaultModel: null, models: [] })).toBe(
      'None offered on this server',
    );
  });

  it('starts from the saved model, or the default when it is no longer offered', () => {
    expect(modelSelection(undefined, OPENAI)).toEqual({ value: '', withdrawn: null });
    expect(modelSelection('gpt-4.1', OPENAI)).toEqual({ value: 'gpt-4.1', withdrawn: null });
    expect(modelSelection('gpt-4o', OPENAI)).toEqual({ value: '', withdrawn: 'gpt-4o' });
  });

  it("tells the owner the operator's limit, and when it overrides theirs", () => {
    expect(budgetHint(5000, null)).toContain('at most 50.00 USD per business');
    expect(budgetHint(5000, 2550)).not.toContain('applies');
    expect(budgetHint(5000, 9000)).toMatch(/The server's limit of 50\.00 USD applies\.$/);
    expect(budgetHint(0, null)).toBe(
      'This server allows no paid AI, so only the offline bot answers.',
    );
  });
});
