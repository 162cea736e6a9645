/**
 * The dotted machine path of an XState state value (`handoff.queued`); '' for a value that is
 * not one (a snapshot not yet written). The list, the feed and the event log all name states so.
 */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return '';
  const [entry] = Object.entries(value as Record<string, unknown>);
  return entry ? `${entry[0]}.${statePath(entry[1])}` : '';
}
