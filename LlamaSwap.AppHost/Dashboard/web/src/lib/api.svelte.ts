import type { TelemetryVersions } from './types';

/** Set when the API answers 401: the app then shows the login page. */
export const auth = $state({ required: false });

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    auth.required = true;
    throw new Error('not logged in');
  }
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function runCommand(resource: string, command: string): Promise<{ succeeded: boolean; message: string }> {
  const response = await fetch(`/api/resources/${encodeURIComponent(resource)}/commands/${command}`, {
    method: 'POST',
    credentials: 'same-origin',
  });
  if (response.status === 401) auth.required = true;
  return await response.json();
}

/**
 * Listens to a server-sent event stream; EventSource reconnects by itself after the AppHost restarts.
 * Returns a function that closes it (call it from an $effect's teardown).
 */
export function subscribe(path: string, event: string, handler: (data: unknown) => void): () => void {
  const source = new EventSource(path, { withCredentials: true });
  source.addEventListener(event, (e) => handler(JSON.parse((e as MessageEvent<string>).data)));
  return () => source.close();
}

/** Calls `refresh` now and whenever the chosen telemetry signal has new data. */
export function onTelemetryChange(signal: keyof TelemetryVersions, refresh: () => void): () => void {
  let seen = -1;
  refresh();
  return subscribe('/api/telemetry/watch', 'versions', (data) => {
    const versions = data as TelemetryVersions;
    if (versions[signal] !== seen) {
      seen = versions[signal];
      refresh();
    }
  });
}
