export interface LogLine {
  /** Increasing per buffer; a stable key for rendering. */
  seq: number;
  text: string;
}

/**
 * The recent text of one log source, split into lines, bounded like the Proxy's own history
 * (100 KB). Appends are cheap and collected; the visible `lines` are replaced at most once per
 * animation frame, so a chatty upstream never makes the page re-render per chunk.
 */
export class LogBuffer {
  lines = $state.raw<LogLine[]>([]);
  /** Bytes (UTF-16 units) of text received since the buffer was created; shows liveness. */
  received = $state(0);

  private pending = '';
  private partial = '';
  private seq = 0;
  private size = 0;
  private scheduled = false;

  constructor(private readonly maxChars = 100 * 1024) {}

  append(text: string): void {
    if (!text) return;
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    schedule(() => this.flush());
  }

  clear(): void {
    this.pending = '';
    this.partial = '';
    this.size = 0;
    this.lines = [];
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.pending) return;
    const text = this.partial + this.pending;
    this.received += this.pending.length;
    this.pending = '';
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    let lines = this.lines;
    if (lines.length > 0 && lines[lines.length - 1].seq === -1) lines = lines.slice(0, -1);
    const added = parts.map((p) => ({ seq: this.seq++, text: p.endsWith('\r') ? p.slice(0, -1) : p }));
    let next = added.length > 0 ? lines.concat(added) : lines.slice();
    this.size += added.reduce((n, l) => n + l.text.length + 1, 0);
    let drop = 0;
    while (this.size > this.maxChars && drop < next.length) this.size -= next[drop++].text.length + 1;
    if (drop > 0) next = next.slice(drop);
    // The unfinished last line is shown too (a progress bar, a prompt), marked so it is replaced.
    if (this.partial) next.push({ seq: -1, text: this.partial });
    this.lines = next;
  }
}

function schedule(callback: () => void): void {
  // requestAnimationFrame does not run in a hidden tab; a timer still does (throttled), so the
  // buffer keeps its bound while nobody looks.
  if (document.visibilityState === 'visible') requestAnimationFrame(callback);
  else setTimeout(callback, 250);
}
