// First differences between two listings keyed by path: what a person needs
// to find the cause of a non-reproducible build.

export interface EntryDiff {
  path: string;
  /** "only in A", "only in B", or the fields that differ with both values. */
  what: string;
}

export function diffByKey<T extends object>(a: readonly T[], b: readonly T[], key: (t: T) => string, limit = 10): EntryDiff[] {
  const mb = new Map(b.map((e) => [key(e), e]));
  const ma = new Map(a.map((e) => [key(e), e]));
  const paths = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  const out: EntryDiff[] = [];
  for (const path of paths) {
    const x = ma.get(path);
    const y = mb.get(path);
    if (!x) out.push({ path, what: "only in B" });
    else if (!y) out.push({ path, what: "only in A" });
    else {
      const fields = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter(
        (f) => JSON.stringify((x as Record<string, unknown>)[f]) !== JSON.stringify((y as Record<string, unknown>)[f]),
      );
      if (fields.length) {
        const show = (v: unknown) => (typeof v === "string" && v.length > 20 ? `${v.slice(0, 16)}…` : JSON.stringify(v));
        out.push({ path, what: fields.map((f) => `${f}: ${show((x as Record<string, unknown>)[f])} ≠ ${show((y as Record<string, unknown>)[f])}`).join(", ") });
      }
    }
    if (out.length >= limit) break;
  }
  return out;
}

/** First differing lines of two texts (line number, A, B). */
export function diffLines(a: string, b: string, limit = 10): EntryDiff[] {
  const la = a.split("\n");
  const lb = b.split("\n");
  const out: EntryDiff[] = [];
  for (let i = 0; i < Math.max(la.length, lb.length) && out.length < limit; i++) {
    if (la[i] !== lb[i]) out.push({ path: `line ${i + 1}`, what: `A: ${la[i] ?? "(none)"} | B: ${lb[i] ?? "(none)"}` });
  }
  return out;
}

/** Offset of the first differing byte, or -1. */
export function firstDifferentByte(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
