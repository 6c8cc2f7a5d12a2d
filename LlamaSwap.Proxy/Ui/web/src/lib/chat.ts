import { errorMessage, request } from './api';
import { readEvents } from './sse';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatParameters {
  temperature: number;
  top_p: number;
  max_tokens: number | null;
}

export interface ChatProgress {
  content: string;
  reasoning: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Decode speed the server reported (llama.cpp timings), if any. */
  tokensPerSecond?: number;
  firstTokenMs?: number;
  elapsedMs: number;
}

/** Streams one chat completion, reporting the reply as it grows. Throws with the server's message on failure. */
export async function streamChat(
  model: string,
  messages: ChatMessage[],
  parameters: ChatParameters,
  onProgress: (progress: ChatProgress) => void,
  signal: AbortSignal,
): Promise<ChatProgress> {
  const started = performance.now();
  const body: Record<string, unknown> = {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    temperature: parameters.temperature,
    top_p: parameters.top_p,
  };
  if (parameters.max_tokens) body.max_tokens = parameters.max_tokens;
  const response = await request('/v1/chat/completions', {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(await errorMessage(response));

  const progress: ChatProgress = { content: '', reasoning: '', elapsedMs: 0 };
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('text/event-stream')) {
    // A server that ignored stream:true answered with one JSON body.
    const json = await response.json();
    progress.content = json.choices?.[0]?.message?.content ?? '';
    progress.reasoning = json.choices?.[0]?.message?.reasoning_content ?? '';
    applyUsage(progress, json);
    progress.elapsedMs = performance.now() - started;
    onProgress(progress);
    return progress;
  }
  await readEvents(
    response,
    (event) => {
      if (event.data === '[DONE]') return;
      let json;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      if (json.error) throw new Error(json.error.message ?? String(json.error));
      const delta = json.choices?.[0]?.delta ?? {};
      const text: string = delta.content ?? '';
      const reasoning: string = delta.reasoning_content ?? delta.reasoning ?? '';
      if ((text || reasoning) && progress.firstTokenMs == null) progress.firstTokenMs = performance.now() - started;
      progress.content += text;
      progress.reasoning += reasoning;
      applyUsage(progress, json);
      progress.elapsedMs = performance.now() - started;
      onProgress({ ...progress });
    },
    signal,
  );
  progress.elapsedMs = performance.now() - started;
  return progress;
}

function applyUsage(progress: ChatProgress, json: { usage?: Record<string, number>; timings?: Record<string, number> }) {
  if (json.usage) {
    progress.promptTokens = json.usage.prompt_tokens ?? progress.promptTokens;
    progress.completionTokens = json.usage.completion_tokens ?? progress.completionTokens;
  }
  if (json.timings?.predicted_per_second) progress.tokensPerSecond = json.timings.predicted_per_second;
}
