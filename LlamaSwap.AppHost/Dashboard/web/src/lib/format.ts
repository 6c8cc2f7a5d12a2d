// Formatting helpers shared by the pages.

export function formatTime(ms: number): string {
  const d = new Date(ms);
  return d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${formatTime(ms)}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatUptime(since: string | null, now: number): string {
  if (!since) return '—';
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/** A stable colour per service name, so a service keeps its colour across pages. */
export function serviceColor(name: string): string {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  const palette = ['#6d5dfc', '#0ea5a4', '#e8590c', '#2f9e44', '#d6336c', '#1c7ed6', '#f59f00', '#7048e8'];
  return palette[Math.abs(hash) % palette.length];
}

const secretPattern = /(KEY|TOKEN|SECRET|PASSWORD|HEADERS)/i;
export const isSecret = (name: string) => secretPattern.test(name);

export interface AnsiSegment {
  text: string;
  className: string;
}

const ansiPattern = /\u001b\[([0-9;]*)m/g;

/** Splits a console line into runs styled by its ANSI SGR colour codes (what `dotnet` logs use). */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let fg = '';
  let bold = false;
  let last = 0;
  for (const match of line.matchAll(ansiPattern)) {
    if (match.index! > last) segments.push({ text: line.slice(last, match.index), className: classes(fg, bold) });
    for (const code of (match[1] || '0').split(';').map(Number)) {
      if (code === 0) { fg = ''; bold = false; }
      else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code === 39) fg = '';
      else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) fg = `ansi-${code}`;
    }
    last = match.index! + match[0].length;
  }
  if (last < line.length) segments.push({ text: line.slice(last), className: classes(fg, bold) });
  return segments;
}

function classes(fg: string, bold: boolean): string {
  return [fg, bold ? 'ansi-bold' : ''].filter(Boolean).join(' ');
}
