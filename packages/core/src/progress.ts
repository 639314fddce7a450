// Structured progress: builders report steps, byte counts and log lines as
// events; a sink renders them (plain lines by default, progress bars in the CLI).

export type LogLevel = "debug" | "info" | "warn" | "error";

export type ProgressEvent =
  | { type: "step"; builder: string; step: string; detail?: string; time: number }
  | { type: "bytes"; builder: string; step: string; done: number; total?: number; time: number }
  | { type: "count"; builder: string; step: string; done: number; total?: number; unit: string; time: number }
  | { type: "log"; builder: string; level: LogLevel; message: string; time: number };

export interface Reporter {
  readonly builder: string;
  /** A new step of the build ("extracting linux-image-6.1.0-27-cloud-amd64"). */
  step(step: string, detail?: string): void;
  /** Byte progress of a step (downloads, compression). */
  bytes(step: string, done: number, total?: number): void;
  /** Progress of a step in things other than bytes: `count("merging the root", 12, 150, "packages")`. */
  count(step: string, done: number, total: number | undefined, unit: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** The same sink, reporting for another builder. */
  child(builder: string): Reporter;
}

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface ReporterOptions {
  builder?: string;
  /** Lowest level that reaches the sink (default: NOTOS_LOG or "info"). */
  level?: LogLevel;
  /** Receives every event at or above `level` (steps count as info, bytes and counts as debug). */
  sink?: (event: ProgressEvent) => void;
}

export function createReporter(options: ReporterOptions = {}): Reporter {
  const envLevel = process.env.NOTOS_LOG as LogLevel | undefined;
  const level = options.level ?? (envLevel && envLevel in levelRank ? envLevel : "info");
  const sink = options.sink ?? renderLine;
  const min = levelRank[level];
  const make = (builder: string): Reporter => {
    const log = (l: LogLevel) => (message: string) => {
      if (levelRank[l] >= min) sink({ type: "log", builder, level: l, message, time: Date.now() });
    };
    return {
      builder,
      step: (step, detail) => {
        if (levelRank.info >= min) sink({ type: "step", builder, step, ...(detail ? { detail } : {}), time: Date.now() });
      },
      bytes: (step, done, total) => {
        if (levelRank.debug >= min) sink({ type: "bytes", builder, step, done, ...(total !== undefined ? { total } : {}), time: Date.now() });
      },
      count: (step, done, total, unit) => {
        if (levelRank.debug >= min) sink({ type: "count", builder, step, done, ...(total !== undefined ? { total } : {}), unit, time: Date.now() });
      },
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: (name) => make(name),
    };
  };
  return make(options.builder ?? "notos");
}

/** A reporter that drops everything (library use, tests). */
export const silentReporter: Reporter = createReporter({ sink: () => {} });

/** Plain-text rendering: one line per event, on stderr. */
export function renderLine(event: ProgressEvent): void {
  process.stderr.write(formatEvent(event) + "\n");
}

export function formatEvent(event: ProgressEvent): string {
  switch (event.type) {
    case "step":
      return `${event.builder}: ${event.step}${event.detail ? ` (${event.detail})` : ""}`;
    case "bytes":
      return `${event.builder}: ${event.step} ${formatBytes(event.done)}${event.total !== undefined ? ` / ${formatBytes(event.total)}` : ""}`;
    case "count":
      return `${event.builder}: ${event.step} ${event.done}${event.total !== undefined ? ` / ${event.total}` : ""} ${event.unit}`;
    case "log":
      return `${event.builder}: ${event.level === "info" ? "" : `${event.level}: `}${event.message}`;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
