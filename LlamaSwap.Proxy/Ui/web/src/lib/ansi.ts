/** A run of text with one set of SGR attributes. Colours are CSS values or theme variables. */
export interface AnsiSegment {
  text: string;
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

const basic = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

function basicColour(index: number, bright: boolean): string {
  return `var(--ansi-${bright ? 'bright-' : ''}${basic[index]})`;
}

function paletteColour(n: number): string | undefined {
  if (n < 0 || n > 255) return undefined;
  if (n < 8) return basicColour(n, false);
  if (n < 16) return basicColour(n - 8, true);
  if (n < 232) {
    const v = n - 16;
    const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${level(Math.floor(v / 36))},${level(Math.floor(v / 6) % 6)},${level(v % 6)})`;
  }
  const grey = 8 + (n - 232) * 10;
  return `rgb(${grey},${grey},${grey})`;
}

// CSI sequences (ESC [ params final) and OSC sequences (ESC ] … BEL/ST); only SGR (final `m`) is kept.
const escape = /\x1b\[([0-9;:]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Splits one line of terminal output into styled segments; unknown escapes are dropped. */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style: Omit<AnsiSegment, 'text'> = {};
  let last = 0;
  for (const match of line.matchAll(escape)) {
    if (match.index! > last) segments.push({ ...style, text: line.slice(last, match.index) });
    last = match.index! + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1]);
  }
  if (last < line.length) segments.push({ ...style, text: line.slice(last) });
  return segments;
}

function applySgr(current: Omit<AnsiSegment, 'text'>, params: string): Omit<AnsiSegment, 'text'> {
  const style = { ...current };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) {
      for (const key of Object.keys(style)) delete style[key as keyof typeof style];
    } else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) style.bold = style.dim = undefined;
    else if (code === 23) style.italic = undefined;
    else if (code === 24) style.underline = undefined;
    else if (code >= 30 && code <= 37) style.fg = basicColour(code - 30, false);
    else if (code >= 90 && code <= 97) style.fg = basicColour(code - 90, true);
    else if (code >= 40 && code <= 47) style.bg = basicColour(code - 40, false);
    else if (code >= 100 && code <= 107) style.bg = basicColour(code - 100, true);
    else if (code === 39) style.fg = undefined;
    else if (code === 49) style.bg = undefined;
    else if (code === 38 || code === 48) {
      let colour: string | undefined;
      if (codes[i + 1] === 5) {
        colour = paletteColour(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        colour = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
        i += 4;
      }
      if (code === 38) style.fg = colour;
      else style.bg = colour;
    }
  }
  return style;
}

/** The line without any escape sequence, for filtering. */
export function stripAnsi(line: string): string {
  return line.replace(escape, '');
}

const levelColours: Record<string, string> = {
  DEBUG: 'var(--ansi-bright-black)',
  INFO: 'var(--ansi-blue)',
  WARN: 'var(--ansi-yellow)',
  ERROR: 'var(--ansi-red)',
};

// "[2026-01-02 10:00:00] [INFO] message" or "[INFO] message", as the Proxy writes its own log.
const proxyLine = /^(\[[^\]]*\d{2}:\d{2}:\d{2}[^\]]*\]\s*)?\[(DEBUG|INFO|WARN|ERROR)\](.*)$/;

/** Segments of a log line: its own ANSI colours, or for an uncoloured Proxy line, a coloured level. */
export function highlightLine(line: string): AnsiSegment[] {
  if (line.includes('\x1b')) return parseAnsi(line);
  const match = proxyLine.exec(line);
  if (!match) return [{ text: line }];
  const segments: AnsiSegment[] = [];
  if (match[1]) segments.push({ text: match[1], dim: true });
  segments.push({ text: `[${match[2]}]`, fg: levelColours[match[2]], bold: match[2] !== 'DEBUG' && match[2] !== 'INFO' });
  segments.push({ text: match[3] });
  return segments;
}
