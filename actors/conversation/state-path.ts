import type { ConversationState } from '../../shared/domain';

/**
 * The dotted machine path of an XState state value (`handoff.queued`); '' for a value that is
 * not one (a snapshot not yet written). The list, the feed, the event log and analytics all
 * name states so: this is the one definition.
 */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return '';
  const [entry] = Object.entries(value as Record<string, unknown>);
  return entry ? `${entry[0]}.${statePath(entry[1])}` : '';
}

/** The top-level state of a dotted path (`handoff.queued` → `handoff`). */
export const topLevelOf = (path: string): ConversationState =>
  path.split('.')[0] as ConversationState;

/** The top-level state of an XState state value. */
export const topLevel = (value: unknown): ConversationState => topLevelOf(statePath(value));
