import { execFileSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { compareVersions, versionSatisfies } from "../src/version.js";

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe("compareVersions (Debian Policy §5.6.12)", () => {
  test.each([
    // The policy's own examples: "~" sorts before everything, even the end.
    ["1.0~rc1", "1.0", -1],
    ["~~", "~~a", -1],
    ["~~a", "~", -1],
    ["~", "", -1],
    ["", "a", -1],
    // Epochs beat everything else.
    ["1:1.0", "2.0", 1],
    ["0:1.0", "1.0", 0],
    // Revisions only count when upstream versions are equal; no revision equals "0".
    ["1.0-1", "1.0-2", -1],
    ["1.0-1", "1.0", 1],
    ["1.0", "1.0-0", 0],
    ["1.0-1+deb12u1", "1.0-1", 1],
    ["1.0-1~deb12u1", "1.0-1", -1],
    // Digits compare numerically, leading zeros ignored; letters before non-letters.
    ["1.10", "1.9", 1],
    ["1.01", "1.1", 0],
    ["1.0a", "1.0+", -1],
    ["1.0a", "1.0.", -1],
    ["2.36-9+deb12u4", "2.36-9+deb12u10", -1],
    ["1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u10", -1],
  ])("%s vs %s → %i", (a, b, expected) => {
    expect(sign(compareVersions(a, b))).toBe(expected);
    expect(sign(compareVersions(b, a))).toBe(0 - expected + 0 || 0);
  });

  test("relations", () => {
    expect(versionSatisfies("2.36-9", ">=", "2.34")).toBe(true);
    expect(versionSatisfies("2.36-9", ">>", "2.36-9")).toBe(false);
    expect(versionSatisfies("2.36-9", "<<", "2.36-9.1~")).toBe(true);
    expect(versionSatisfies("1:2", "=", "1:2")).toBe(true);
    expect(versionSatisfies("1:2", "<=", "1:1")).toBe(false);
  });

  test("agrees with dpkg --compare-versions on every pair of a mixed batch", () => {
    const versions = [
      "0", "1", "1.0", "1.0-1", "1.0-1.1", "1.0-1+b1", "1.0-1~bpo1", "1.0~rc1-1", "1.0+dfsg-1", "1.0a-1", "1.0.1",
      "1:0.9", "2:0", "1.10", "1.9", "1.09", "10", "9.2p1-2+deb12u10", "9.2p1-2+deb12u3", "3.0.11-1~deb12u2",
      "3.0.15-1~deb12u1", "2.36-9+deb12u10", "2.36-9+deb12u4", "1.2.3~~", "1.2.3~", "1.2.3~a", "a", "a1", "1a", "1-a-b",
      "1.0-0", "20230311.0", "7.88.1-10+deb12u12", "1.22.1-9+deb12u2", "4.19+dfsg-2+b1", "1.35.0-4+b3",
    ];
    const pairs: [string, string][] = [];
    for (let i = 0; i < versions.length; i++) for (let j = i + 1; j < versions.length; j++) pairs.push([versions[i]!, versions[j]!]);
    // One shell runs every comparison: lt → -1, eq → 0, otherwise 1.
    const script = pairs
      .map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo -1; elif dpkg --compare-versions '${a}' eq '${b}'; then echo 0; else echo 1; fi`)
      .join("\n");
    const dpkg = execFileSync("sh", ["-c", script], { encoding: "utf8" }).trim().split("\n").map(Number);
    const mismatches = pairs.filter(([a, b], i) => sign(compareVersions(a, b)) !== dpkg[i]).map(([a, b]) => `${a} vs ${b}`);
    expect(dpkg).toHaveLength(pairs.length);
    expect(mismatches).toEqual([]);
  }, 60_000);
});
