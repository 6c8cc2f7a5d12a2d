import { request } from './api';
import type { LogBuffer } from './logBuffer.svelte';
import { modelPath } from './modelActions.svelte';
import { readText } from './sse';

/**
 * Follows `/logs/stream/<source>` into a buffer until the signal aborts: history first, then live
 * text; reconnects (without history, so nothing repeats) if the stream ends while still wanted.
 */
export async function followLog(source: string, buffer: LogBuffer, signal: AbortSignal): Promise<void> {
  let history = true;
  let delay = 1000;
  while (!signal.aborted) {
    try {
      const response = await request(`/logs/stream/${modelPath(source)}${history ? '' : '?no-history'}`, { signal });
      if (response.ok) {
        history = false;
        delay = 1000;
        await readText(response, (text) => buffer.append(text), signal);
      } else {
        buffer.append(`\x1b[31m${response.status} ${response.statusText}: ${await response.text()}\x1b[0m\n`);
      }
    } catch {
      // network error or abort
    }
    if (signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 5000);
  }
}
