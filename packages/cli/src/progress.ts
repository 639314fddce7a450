// Live progress on a terminal: one line per builder at work, redrawn in
// place at most ten times a second — its step, the bytes (or packages,
// entries…) done, the rate and, where the total is known, the time left. Log lines scroll above it. (Off a
// terminal the CLI prints plain lines instead.)
import { formatBytes, type LogLevel, type Reporter } from "@notos/core/progress";

interface Line {
  step: string;
  detail?: string;
  done?: number;
  total?: number;
  /** What `done` counts; bytes when unset. */
  unit?: string;
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
    const advance = (step: string, done: number, total: number | undefined, unit?: string) => {
      const line = lines.get(builder);
      const measure = { done, ...(total !== undefined ? { total } : {}), ...(unit !== undefined ? { unit } : {}) };
      const detail = line?.step === step && line.detail !== undefined ? { detail: line.detail } : {};
      // The clock starts with the first count of a step in one unit; the step's detail stays.
      if (line?.step === step && line.unit === unit && line.since !== undefined) Object.assign(line, measure);
      else lines.set(builder, { step, ...detail, ...measure, since: now() });
      draw();
    };
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
        advance(step, done, total);
      },
      count(step, done, total, unit) {
        advance(step, done, total, unit);
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

/** One progress line: `builder  step (detail)  12.0 MiB / 40.0 MiB  3.1 MiB/s  9s left`, or `… 12 / 150 packages  4.0 packages/s  35s left`. */
export function render(builder: string, line: Line, t: number): string {
  let text = `${builder.padEnd(8)} ${line.step}${line.detail ? ` (${line.detail})` : ""}`;
  if (line.done !== undefined) {
    const amount = (n: number) => (line.unit === undefined ? formatBytes(n) : String(n));
    const unit = line.unit === undefined ? "" : ` ${line.unit}`;
    text += `  ${amount(line.done)}${line.total !== undefined ? ` / ${amount(line.total)}` : ""}${unit}`;
    const seconds = line.since !== undefined ? (t - line.since) / 1000 : 0;
    if (seconds > 0.5) {
      const rate = line.done / seconds;
      text += line.unit === undefined ? `  ${formatBytes(Math.round(rate))}/s` : `  ${rate.toFixed(1)}${unit}/s`;
      if (line.total !== undefined && rate > 0 && line.total > line.done) text += `  ${Math.ceil((line.total - line.done) / rate)}s left`;
    }
  }
  return text;
}
