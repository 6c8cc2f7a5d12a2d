import { SseParser } from './sse';

export function decodeBase64(value: string | null | undefined): Uint8Array {
  if (!value) return new Uint8Array();
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function header(headers: Record<string, string> | undefined, name: string): string {
  if (!headers) return '';
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? headers[key] : '';
}

/** How a captured body is best shown. */
export type BodyView =
  | { kind: 'empty' }
  | { kind: 'json'; text: string }
  | { kind: 'stream'; text: string; raw: string }
  | { kind: 'media'; url: string; mime: string }
  | { kind: 'text'; text: string };

export function viewBody(bytes: Uint8Array, contentType: string): BodyView {
  if (bytes.length === 0) return { kind: 'empty' };
  const mime = contentType.split(';')[0].trim().toLowerCase();
  if (mime.startsWith('image/') || mime.startsWith('audio/')) {
    return { kind: 'media', url: URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime })), mime };
  }
  const text = new TextDecoder().decode(bytes);
  if (mime === 'text/event-stream') return { kind: 'stream', text: streamedText(text), raw: text };
  try {
    return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch {
    return { kind: 'text', text };
  }
}

/** The assistant text a chat/completions/messages event stream carried, joined. */
export function streamedText(raw: string): string {
  const parser = new SseParser();
  let text = '';
  for (const event of parser.push(raw.endsWith('\n\n') ? raw : `${raw}\n\n`)) {
    if (event.data === '[DONE]') continue;
    try {
      const json = JSON.parse(event.data);
      const choice = json.choices?.[0];
      text += choice?.delta?.content ?? choice?.text ?? json.delta?.text ?? '';
    } catch {
      // not JSON: skipped
    }
  }
  return text;
}
