// One harness for the property tests of every parser of outside data (deb822,
// Packages, InRelease, ar, tar, cpio, ELF, the lock file, the config loader):
// fast-check from a fixed seed so CI is repeatable, NOTOS_FUZZ_SEED and
// NOTOS_FUZZ_RUNS (a multiplier) to explore, a count of the cases each
// package ran in its log, the rule every parser is held to — a result or a
// NotosError that says what is wrong, never another exception — and the
// byte mutations that turn a valid input into a damaged one.
import fc from "fast-check";
import { afterAll, expect } from "vitest";
import { NotosError } from "@notos/core";

export interface Fuzzing {
  readonly seed: number;
  /** Run `body` on `runs` (times NOTOS_FUZZ_RUNS) inputs from `arb`; a throw fails the property and is shrunk. */
  check<T>(name: string, runs: number, arb: fc.Arbitrary<T>, body: (input: T) => void | Promise<void>): Promise<void>;
}

/** The harness of one package's property tests; prints `<label> fuzz (seed N): total cases — per property` after them. */
export function fuzzing(label: string): Fuzzing {
  const seed = Number(process.env["NOTOS_FUZZ_SEED"] ?? 18);
  const scale = Number(process.env["NOTOS_FUZZ_RUNS"] ?? 1);
  const counts: Record<string, number> = {};
  afterAll(() => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`${label} fuzz (seed ${seed}): ${total} cases — ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  });
  return {
    seed,
    async check(name, runs, arb, body) {
      counts[name] = 0;
      await fc.assert(
        fc.asyncProperty(arb, async (input) => {
          counts[name]!++;
          await body(input);
        }),
        { seed, numRuns: Math.max(1, Math.round(runs * scale)) },
      );
    },
  };
}

/**
 * What `run` gives, or the NotosError it throws — which must say what went
 * wrong and carry a code (`code`, when given, exactly). Any other exception
 * fails the property.
 */
export async function outcome<T>(run: () => T | Promise<T>, code?: string): Promise<T | NotosError> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof NotosError)) throw error;
    expect(error.message.length, "an error says what went wrong").toBeGreaterThan(5);
    if (code === undefined) expect(error.code, "an error has a code").toMatch(/^[A-Z][A-Z0-9_]*$/);
    else expect(error.code).toBe(code);
    return error;
  }
}

export type Edit =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; byte: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; length: number }
  | { kind: "truncate"; at: number };

export interface MutationOptions {
  /** Which edits to make (default: all five kinds). */
  kinds?: readonly Edit["kind"][];
  /** Where a `set` lands (default anywhere) and what it writes (default any byte): aim them at what a reader trusts. */
  setAt?: fc.Arbitrary<number>;
  setByte?: fc.Arbitrary<number>;
  /** The most edits per input (default 6). */
  maxEdits?: number;
}

/** Bytes derived from `base` by a few random edits: bit flips, overwrites, inserts, deletions, truncation. */
export function mutated(base: Uint8Array, options: MutationOptions = {}): fc.Arbitrary<Uint8Array> {
  const kinds = new Set(options.kinds ?? ["flip", "set", "insert", "delete", "truncate"]);
  const all: fc.Arbitrary<Edit>[] = [];
  if (kinds.has("flip")) all.push(fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }));
  if (kinds.has("set")) all.push(fc.record({ kind: fc.constant("set" as const), at: options.setAt ?? fc.nat(), byte: options.setByte ?? fc.integer({ min: 0, max: 255 }) }));
  if (kinds.has("insert")) all.push(fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }));
  if (kinds.has("delete")) all.push(fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }));
  if (kinds.has("truncate")) all.push(fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }));
  return fc.array(fc.oneof(...all), { minLength: 1, maxLength: options.maxEdits ?? 6 }).map((edits) => applyEdits(base, edits));
}

export function applyEdits(base: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let bytes = Buffer.from(base);
  for (const e of edits) {
    const at = bytes.length === 0 ? 0 : e.at % bytes.length;
    if (e.kind === "flip" && bytes.length) bytes[at]! ^= 1 << e.bit;
    else if (e.kind === "set" && bytes.length) bytes[at] = e.byte;
    else if (e.kind === "insert") bytes = Buffer.concat([bytes.subarray(0, at), e.bytes, bytes.subarray(at)]);
    else if (e.kind === "delete") bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + e.length)]);
    else if (e.kind === "truncate") bytes = bytes.subarray(0, at);
  }
  return new Uint8Array(bytes);
}
