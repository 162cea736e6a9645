/**
 * Keyboard commands of the inbox, pure: the component maps a key press to a command and the
 * reducer moves the active row. Letters are ignored while typing in a field.
 */

export type InboxCommand =
  'next' | 'prev' | 'first' | 'last' | 'pageDown' | 'pageUp' | 'open' | 'claim' | 'reply' | 'back';

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  /** Whether focus is in a text field, select or contenteditable. */
  inField: boolean;
}

export function keyToCommand(e: KeyLike): InboxCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Escape') return 'back';
  if (e.inField) return null;
  switch (e.key) {
    case 'j':
    case 'ArrowDown':
      return 'next';
    case 'k':
    case 'ArrowUp':
      return 'prev';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    case 'PageDown':
      return 'pageDown';
    case 'PageUp':
      return 'pageUp';
    case 'Enter':
    case 'o':
      return 'open';
    case 'c':
      return 'claim';
    case 'r':
      return 'reply';
    default:
      return null;
  }
}

const PAGE = 10;

/** The id the active row moves to for a movement command, given the view's order. */
export function moveCursor(
  order: readonly string[],
  activeId: string | null,
  command: InboxCommand,
): string | null {
  if (order.length === 0) return null;
  const at = activeId === null ? -1 : order.indexOf(activeId);
  const last = order.length - 1;
  let next: number;
  switch (command) {
    case 'next':
      next = at < 0 ? 0 : Math.min(last, at + 1);
      break;
    case 'prev':
      next = at < 0 ? 0 : Math.max(0, at - 1);
      break;
    case 'first':
      next = 0;
      break;
    case 'last':
      next = last;
      break;
    case 'pageDown':
      next = at < 0 ? 0 : Math.min(last, at + PAGE);
      break;
    case 'pageUp':
      next = at < 0 ? 0 : Math.max(0, at - PAGE);
      break;
    default:
      return activeId;
  }
  return order[next] ?? null;
}
