/** One server-sent event: its `event:` name (default "message") and its joined `data:` lines. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Incremental text/event-stream parser: feed it text as it arrives, get complete events back.
 * Accepts `field:value` and `field: value`, CRLF or LF line ends, comments (`:` lines).
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      let line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.data.length > 0) events.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return events;
  }
}

/**
 * Reads a streamed response body as text, chunk by chunk, as fast as it arrives. The UI must never
 * let a stream back up on the server (the Proxy drops a client that stops reading), so the
 * callback only records what arrived; rendering happens later, once per frame.
 */
export async function readText(response: Response, onText: (text: string) => void, signal?: AbortSignal): Promise<void> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const abort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (value) onText(value);
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

export async function readEvents(response: Response, onEvent: (event: SseEvent) => void, signal?: AbortSignal): Promise<void> {
  const parser = new SseParser();
  await readText(response, (text) => parser.push(text).forEach(onEvent), signal);
}
