// Live progress on a terminal: one line per builder at work, redrawn in
// place at most ten times a second — its step, the bytes done, the rate and,
// where the total is known, the time left. Log lines scroll above it. (Off a
// terminal the CLI prints plain lines instead.)
import { formatBytes, type LogLevel, type Reporter } from "@notos/core/progress";

interface Line {
  step: string;
  detail?: string;
  done?: number;
  total?: number;
  /** When the byte count of this step started, and the rate seen so far. */
  since?: number;
}

const levels: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function progressReporter(write: (text: string) => void, now: () => number = Date.now): Reporter {
  const lines = new Map<string, Line>();
  const min = levels[(process.env.NOTOS_LOG as LogLevel) in levels ? (process.env.NOTOS_LOG as LogLevel) : "info"];
  let drawn = 0;
  let last = 0;
  const clear = () => {
    if (drawn) write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = (force = false) => {
    const t = now();
    if (!force && t - last < 100) return;
    last = t;
    clear();
    const width = process.stderr.columns || 100;
    const rows = [...lines].map(([builder, l]) => render(builder, l, t).slice(0, width - 1));
    if (rows.length) write(rows.join("\n") + "\n");
    drawn = rows.length;
  };
  const make = (builder: string): Reporter => {
    const log = (level: LogLevel) => (message: string) => {
      if (levels[level] < min) return;
      clear();
      write(`${builder}: ${level === "info" ? "" : `${level}: `}${message}\n`);
      draw(true);
    };
    return {
      builder,
      step(step, detail) {
        lines.set(builder, { step, ...(detail !== undefined ? { detail } : {}) });
        draw(true);
      },
      bytes(step, done, total) {
        const line = lines.get(builder);
        if (!line || line.step !== step) lines.set(builder, { step, done, ...(total !== undefined ? { total } : {}), since: now() });
        else Object.assign(line, { done, ...(total !== undefined ? { total } : {}), since: line.since ?? now() });
        draw();
      },
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: (name) => make(name),
    };
  };
  return make("notos");
}

/** One progress line: `builder  step (detail)  12.0 MiB / 40.0 MiB  3.1 MiB/s  9s left`. */
export function render(builder: string, line: Line, t: number): string {
  let text = `${builder.padEnd(8)} ${line.step}${line.detail ? ` (${line.detail})` : ""}`;
  if (line.done !== undefined) {
    text += `  ${formatBytes(line.done)}${line.total !== undefined ? ` / ${formatBytes(line.total)}` : ""}`;
    const seconds = line.since !== undefined ? (t - line.since) / 1000 : 0;
    if (seconds > 0.5) {
      const rate = line.done / seconds;
      text += `  ${formatBytes(Math.round(rate))}/s`;
      if (line.total !== undefined && rate > 0 && line.total > line.done) text += `  ${Math.ceil((line.total - line.done) / rate)}s left`;
    }
  }
  return text;
}
