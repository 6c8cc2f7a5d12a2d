import { auth } from './auth.svelte';
import { request } from './api';
import { LogBuffer } from './logBuffer.svelte';
import { readEvents } from './sse';
import type { InflightEvent, InflightRequest, LogData, ModelStatus } from './types';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

interface Envelope {
  type: string;
  data: string;
}

/**
 * The one `/api/events` stream of the page and the live state it carries: model states, proxy and
 * upstream logs, in-flight requests, new activity ids and the active profile. Read with fetch (so
 * the API key travels as a header), read promptly, reconnected with a 1 s → 5 s backoff; every
 * (re)connect starts from the server's initial burst with the state reset.
 */
class EventHub {
  connection = $state<ConnectionState>('connecting');
  models = $state.raw<ModelStatus[]>([]);
  /** performance.now() when `models` arrived; TTL countdowns run from it. */
  modelsAt = $state(0);
  inflight = $state.raw<InflightRequest[]>([]);
  /** The id of the newest activity row announced; pages re-query when it changes. */
  lastActivityId = $state(0);
  activeProfile = $state<string | null>(null);
  sessionHeaders = $state.raw<string[]>([]);
  readonly proxyLog = new LogBuffer();
  readonly upstreamLog = new LogBuffer();

  private controller: AbortController | null = null;
  private started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.run();
  }

  /** Reconnects at once, e.g. after the API key changed. */
  restart(): void {
    this.controller?.abort();
  }

  private async run(): Promise<void> {
    let delay = 1000;
    for (;;) {
      this.controller = new AbortController();
      const signal = this.controller.signal;
      try {
        const response = await request('/api/events', { signal, headers: { Accept: 'text/event-stream' } });
        if (response.status === 401) {
          this.connection = 'unauthorized';
          await waitForKeyChange();
          continue;
        }
        if (!response.ok) throw new Error(`${response.status}`);
        this.reset();
        this.connection = 'live';
        delay = 1000;
        await readEvents(response, (e) => e.event === 'message' && this.dispatch(e.data), signal);
      } catch {
        // network error or abort: reconnect below
      }
      if (this.connection !== 'unauthorized') this.connection = 'reconnecting';
      if (!signal.aborted) {
        await sleep(delay);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private reset(): void {
    this.models = [];
    this.inflight = [];
    this.proxyLog.clear();
    this.upstreamLog.clear();
  }

  private dispatch(raw: string): void {
    let envelope: Envelope;
    let data: unknown;
    try {
      envelope = JSON.parse(raw) as Envelope;
      data = typeof envelope.data === 'string' ? JSON.parse(envelope.data) : envelope.data;
    } catch {
      return;
    }
    switch (envelope.type) {
      case 'modelStatus':
        this.models = (data as ModelStatus[]) ?? [];
        this.modelsAt = performance.now();
        break;
      case 'logData': {
        const log = data as LogData;
        (log.source === 'proxy' ? this.proxyLog : this.upstreamLog).append(log.data);
        break;
      }
      case 'activity': {
        const id = (data as { id: number }).id;
        if (id > this.lastActivityId) this.lastActivityId = id;
        break;
      }
      case 'inflight':
        this.applyInflight(data as InflightEvent);
        break;
      case 'profileChanged':
        this.activeProfile = (data as { active: string | null }).active;
        break;
      case 'uiConfig':
        this.sessionHeaders = (data as { activity?: { session_id?: string[] } }).activity?.session_id ?? [];
        break;
    }
  }

  private applyInflight(event: InflightEvent): void {
    switch (event.operation) {
      case 'snapshot':
        this.inflight = event.requests ?? [];
        break;
      case 'upsert': {
        const request = event.request;
        if (!request) return;
        const index = this.inflight.findIndex((r) => r.id === request.id);
        this.inflight =
          index < 0 ? [...this.inflight, request] : this.inflight.map((r, i) => (i === index ? request : r));
        break;
      }
      case 'remove':
        this.inflight = this.inflight.filter((r) => r.id !== (event.id ?? event.request?.id));
        break;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function waitForKeyChange(): Promise<void> {
  const generation = auth.generation;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (auth.generation !== generation) {
        clearInterval(timer);
        resolve();
      }
    }, 250);
  });
}

export const events = new EventHub();
