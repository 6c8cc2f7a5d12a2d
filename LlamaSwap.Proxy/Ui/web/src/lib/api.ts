import { auth } from './auth.svelte';

/** A non-2xx answer from the Proxy, with the message of its error envelope when it sent one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** fetch() with the API key; a 401 raises the key prompt. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(auth.headers())) headers.set(name, value);
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) auth.needed = true;
  return response;
}

/** request() that throws HttpError unless the status is 2xx. */
export async function ensureOk(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await request(path, init);
  if (!response.ok) throw new HttpError(response.status, await errorMessage(response));
  return response;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await ensureOk(path, { signal, headers: { Accept: 'application/json' } });
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const response = await ensureOk(path, {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** The message of a llama-swap error envelope, an upstream's error, or the status line. */
export async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? body?.error ?? body?.message ?? body?.detail;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: fall through to the text itself
  }
  return text.trim() || `${response.status} ${response.statusText}`;
}

export function describeError(error: unknown): string {
  if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
  if (error instanceof Error) return error.message;
  return String(error);
}
