import { initialTransition, transition } from 'xstate';
import type { ConversationEffect } from '../../shared/conversation.effects';
import { CONVERSATION_EFFECT_TYPES } from '../../shared/conversation.effects';
import type { ConversationEvent, ConversationInput } from '../../shared/conversation.events';
import { conversationInputSchema } from '../../shared/conversation.events';
import type { ConversationState } from '../../shared/domain';
import { conversationMachine, type ConversationContext } from './conversation.machine';
import { statePath, topLevel } from './state-path';

/**
 * The pure step the actor host runs for every event: JSON snapshot in, JSON snapshot plus
 * effects and timer changes out. Nothing here touches IO, so the host can run it, check the
 * result and commit it in one transaction.
 */

/** What is stored in `conversations.snapshot`. */
export interface PersistedConversation {
  value: string | Record<string, unknown>;
  context: ConversationContext;
}

export interface TimerArm {
  /** Stable per delayed transition (`xstate.after.<delay>.<state>`), so re-arming replaces. */
  id: string;
  delayMs: number;
  event: { type: string };
}

export interface StepResult {
  snapshot: PersistedConversation;
  /** Top-level state, the inbox and analytics vocabulary. */
  state: ConversationState;
  /** Full state path, e.g. `bot.thinking`, for the timeline. */
  path: string;
  effects: ConversationEffect[];
  armTimers: TimerArm[];
  cancelTimers: string[];
  /** False when the machine ignored the event: same state, same context, nothing to do. */
  changed: boolean;
}

const EFFECT_TYPES = new Set<string>(CONVERSATION_EFFECT_TYPES);

export function startConversation(input: ConversationInput): StepResult {
  const parsed = conversationInputSchema.parse(input);
  const [snapshot, actions] = initialTransition(conversationMachine, parsed);
  return toResult(snapshot, actions, true);
}

export function stepConversation(
  persisted: PersistedConversation,
  event: ConversationEvent | { type: string },
): StepResult {
  const current = conversationMachine.resolveState(
    persisted as Parameters<typeof conversationMachine.resolveState>[0],
  );
  const [next, actions] = transition(conversationMachine, current, event as ConversationEvent);
  const changed =
    actions.length > 0 ||
    JSON.stringify(next.value) !== JSON.stringify(current.value) ||
    JSON.stringify(next.context) !== JSON.stringify(current.context);
  return toResult(next, actions, changed);
}

type Snapshot = ReturnType<typeof initialTransition<typeof conversationMachine>>[0];
type Action = ReturnType<typeof transition<typeof conversationMachine>>[1][number];

function toResult(snapshot: Snapshot, actions: Action[], changed: boolean): StepResult {
  const effects: ConversationEffect[] = [];
  const armTimers: TimerArm[] = [];
  const cancelTimers: string[] = [];
  for (const action of actions) {
    const type: string = action.type;
    const params = action.params as Record<string, unknown> | undefined;
    if (type === 'xstate.raise' && params && typeof params.delay === 'number') {
      armTimers.push({
        id: String(params.id),
        delayMs: params.delay,
        event: params.event as { type: string },
      });
    } else if (type === 'xstate.cancel' && params) {
      cancelTimers.push(String(params.sendId));
    } else if (EFFECT_TYPES.has(type)) {
      effects.push({ type, params } as ConversationEffect);
    }
  }
  return {
    snapshot: {
      value: snapshot.value as PersistedConversation['value'],
      context: snapshot.context,
    },
    state: topLevel(snapshot.value),
    path: statePath(snapshot.value),
    effects,
    // A timer cancelled and re-armed in one step (re-entering a state) stays armed.
    armTimers,
    cancelTimers: cancelTimers.filter((id) => !armTimers.some((t) => t.id === id)),
    changed,
  };
}
