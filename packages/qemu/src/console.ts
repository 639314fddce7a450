// The serial console as text a test can match: carriage returns and terminal
// escape sequences removed, split into lines, each stamped with the time it
// arrived (seconds since QEMU started).

// CSI (ESC [ … final), OSC (ESC ] … BEL/ST), charset selection (ESC ( B), and
// two-byte escapes such as ESC c (SeaBIOS resets the terminal with it).
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-9A-Za-z]|\x1b[@-Z\\-_a-z0-9=>]/g;
// Other control characters except tab and newline.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Strip \r, escape sequences and control characters from console text. */
export function stripTerminal(text: string): string {
  return text.replace(ESCAPES, "").replace(CONTROLS, "");
}

export interface ConsoleLine {
  /** Seconds since the console started. */
  t: number;
  text: string;
}

/** Accumulates console output; lines are stripped once complete, so escapes split across chunks still go. */
export class ConsoleLog {
  readonly lines: ConsoleLine[] = [];
  private partial = "";
  private readonly decoder = new TextDecoder("utf-8");
  private readonly listeners = new Set<() => void>();
  constructor(
    /** Time (ms since the epoch) the line timestamps count from. */
    public startedAt: number = Date.now(),
    private readonly onLine?: (line: ConsoleLine) => void,
  ) {}

  push(chunk: Uint8Array): void {
    this.partial += this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.partial.indexOf("\n")) >= 0) {
      const line: ConsoleLine = { t: (Date.now() - this.startedAt) / 1000, text: stripTerminal(this.partial.slice(0, nl)) };
      this.partial = this.partial.slice(nl + 1);
      this.lines.push(line);
      this.onLine?.(line);
    }
    for (const l of this.listeners) l();
  }

  /** Flush a last unterminated line (when QEMU exits). */
  end(): void {
    this.partial += this.decoder.decode();
    if (this.partial) this.push(new TextEncoder().encode("\n"));
  }

  /** Everything so far, the unterminated last line included. */
  text(): string {
    const done = this.lines.map((l) => l.text).join("\n");
    const rest = stripTerminal(this.partial);
    return this.lines.length ? (rest ? `${done}\n${rest}` : `${done}\n`) : rest;
  }

  /** The last `n` lines, for error messages. */
  tail(n = 50): string {
    const rest = stripTerminal(this.partial);
    const all = rest ? [...this.lines.map((l) => l.text), rest] : this.lines.map((l) => l.text);
    return all.slice(-n).join("\n");
  }

  /** The log with a timestamp on each line, as written to a consoleLog file. */
  static format(line: ConsoleLine): string {
    return `[${line.t.toFixed(3).padStart(9)}] ${line.text}\n`;
  }

  /** Called after every chunk. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
