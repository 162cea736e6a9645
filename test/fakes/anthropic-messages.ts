import type { FakeResponse } from './http-fake';
import { randomAlphanumeric } from './ids';
import { chunkText, contentText, sseFrame, type LlmPrompt, type ResolvedReply } from './llm-script';

/** How Anthropic's Messages API words the scripted stop reasons. */
const STOP_REASON = { end: 'end_turn', max_tokens: 'max_tokens', tool_use: 'tool_use' } as const;

export function toAnthropicPrompt(body: Record<string, unknown>): LlmPrompt {
  const messages = (body.messages as { role?: unknown; content?: unknown }[]).map((m) => ({
    role: String(m.role),
    content: contentText(m.content),
  }));
  return {
    model: body.model as string,
    system: body.system === undefined ? undefined : contentText(body.system),
    messages,
    maxTokens: body.max_tokens as number,
    stream: body.stream === true,
    tools: Array.isArray(body.tools)
      ? body.tools.map((t: { name?: unknown }) => String(t.name))
      : [],
    body,
  };
}

function contentBlocks(reply: ResolvedReply): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (reply.text !== '' || reply.toolCalls.length === 0)
    blocks.push({ type: 'text', text: reply.text });
  for (const call of reply.toolCalls) {
    blocks.push({
      type: 'tool_use',
      id: call.id ?? `toolu_01${randomAlphanumeric(22)}`,
      name: call.name,
      input: call.input,
    });
  }
  return blocks;
}

function usage(reply: ResolvedReply, outputTokens = reply.outputTokens) {
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** A `Message` object (wire-specs §7.3). */
export function anthropicMessage(model: string, reply: ResolvedReply): FakeResponse {
  return {
    status: 200,
    body: {
      id: `msg_01${randomAlphanumeric(22)}`,
      type: 'message',
      role: 'assistant',
      model,
      content: contentBlocks(reply),
      stop_reason: STOP_REASON[reply.stop],
      stop_sequence: null,
      usage: usage(reply),
    },
  };
}

/**
 * The same answer as Anthropic's event stream: message_start, content blocks with text or
 * input_json deltas, message_delta (stop reason, output tokens), message_stop.
 */
export function anthropicStream(model: string, reply: ResolvedReply): FakeResponse {
  const frames: string[] = [];
  const emit = (type: string, data: Record<string, unknown>) =>
    frames.push(sseFrame({ type, ...data }, type));
  const message = {
    id: `msg_01${randomAlphanumeric(22)}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: usage(reply, 1),
  };
  emit('message_start', { message });
  contentBlocks(reply).forEach((block, index) => {
    if (block.type === 'text') {
      emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const text of chunkText(String(block.text))) {
        emit('content_block_delta', { index, delta: { type: 'text_delta', text } });
      }
    } else {
      emit('content_block_start', { index, content_block: { ...block, input: {} } });
      const partial_json = JSON.stringify(block.input);
      emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
    }
    emit('content_block_stop', { index });
  });
  emit('message_delta', {
    delta: { stop_reason: STOP_REASON[reply.stop], stop_sequence: null },
    usage: { output_tokens: reply.outputTokens },
  });
  emit('message_stop', {});
  return {
    status: 200,
    raw: frames.join(''),
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  };
}
