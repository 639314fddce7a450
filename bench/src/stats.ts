// Summaries of repeated measurements. The median is the figure to compare:
// on a noisy two-core machine one slow run says little.

export interface Summary {
  samples: number[];
  min: number;
  median: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("summarize: no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { samples: [...samples], min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** Seconds with one decimal, or two below ten. */
export function seconds(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`;
}

const MiB = 1024 * 1024;

export function bytes(value: number): string {
  if (Math.abs(value) >= MiB) return `${(value / MiB).toFixed(2)} MiB`;
  if (Math.abs(value) >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

/** "20 MiB", "1.5 MiB", "900 KiB", "123" (bytes) → bytes. */
export function parseBytes(text: string | number): number {
  if (typeof text === "number") return text;
  const m = /^\s*([\d.]+)\s*(B|KiB|MiB|GiB)?\s*$/.exec(text);
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (write e.g. "20 MiB")`);
  const unit = { B: 1, KiB: 1024, MiB, GiB: 1024 * MiB }[(m[2] ?? "B") as "B"];
  return Math.round(Number(m[1]) * unit);
}
