// The bench's pure parts: reading turbo's log, the initrd back, runit's
// status times, summaries and budgets.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { cpioBytes } from "@notos/initrd/cpio";
import { checkBudgets } from "../src/cases/sizes.js";
import { diffByKey, firstDifferentByte } from "../src/diff.js";
import { initrdMembers } from "../src/newc.js";
import { collectMetrics } from "../src/report.js";
import { parseBytes, summarize } from "../src/stats.js";
import { clockOffset, consoleEvents, GUEST_FILE_TIMES_COMMAND, guestFileEvents, serviceEvents } from "../src/timeline.js";
import { parseDistLog } from "../src/turbo.js";

describe("parseDistLog", () => {
  // turbo 2 --ui=stream: package builds first, then the one dist task, which
  // realises each builder once (here after an /etc edit and a change to @notos/etc's code).
  const log = [
    "   • turbo 2.11.11",
    "   • Running dist in 14 packages",
    "   • Remote caching disabled",
    "",
    "@notos/core:build: cache hit, replaying logs 5f1c0e2d9a7b3c41",
    "@notos/core:build: > @notos/core@0.1.0 build",
    "@notos/etc:build: cache miss, executing 0b6d2e91c4a87f35",
    "@notos/etc:build: ESM ⚡️ Build success in 61ms",
    "@notos/systems:dist: cache miss, executing a12814df9857f1ec",
    "@notos/systems:dist: ",
    "@notos/systems:dist: > @notos/systems@0.0.0 dist",
    "@notos/systems:dist: > notos dist",
    "@notos/systems:dist: ",
    "@notos/systems:dist: etc: etc layer (26 entries)",
    "@notos/systems:dist: rootfs: fetching packages (18 roots)",
    "@notos/systems:dist: rootfs: root.squashfs: 18.9 MiB (xz), 1448 entries from 97 packages",
    "@notos/systems:dist: runit: cached",
    "@notos/systems:dist: runvm: cached",
    "@notos/systems:dist: kernel: cached",
    "@notos/systems:dist: initrd: cached",
    "@notos/systems:dist: etc: built in 0.0s",
    "@notos/systems:dist: rootfs: built in 53.0s",
    "@notos/systems:dist: 2 of 6 builders did work, 53.2s",
    "@notos/systems:dist: dist: ../dist (kernel, initrd, command-line, root.squashfs, runvm)",
    "",
    " Tasks:    3 successful, 3 total",
    "Cached:    1 cached, 3 total",
    "  Time:    55.753s ",
  ].join("\n");

  it("reads what the dist task said of each builder, and which tasks ran", () => {
    expect(parseDistLog(log)).toEqual({
      builders: { runit: "cached", runvm: "cached", kernel: "cached", initrd: "cached", etc: "built", rootfs: "built" },
      executed: ["@notos/etc:build", "@notos/systems:dist"],
      cached: 1,
      total: 3,
    });
  });

  it("takes nothing from a dist task turbo replayed: its lines are an earlier run's", () => {
    const replayed = log.replace("@notos/systems:dist: cache miss, executing", "@notos/systems:dist: cache hit, replaying logs");
    expect(parseDistLog(replayed)).toMatchObject({ builders: {}, executed: ["@notos/etc:build"] });
  });
});

describe("initrdMembers", () => {
  it("lists a gzip'd initrd's members with content hashes, through the cpio package's reader", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-initrd-"));
    const file = join(dir, "initrd");
    const init = new TextEncoder().encode("#!/bin/sh\n");
    writeFileSync(file, gzipSync(cpioBytes([{ path: "/init", type: "file", mode: 0o755, uid: 0, gid: 0, content: init }, { path: "/bin/sh", type: "symlink", mode: 0o777, uid: 0, gid: 0, target: "busybox" }], { mtime: 0 })));
    const members = await initrdMembers(file);
    expect(members.map((m) => [m.path, m.type, m.mode, m.size])).toEqual([
      ["/bin", "dir", "0755", 0],
      ["/bin/sh", "symlink", "0777", 0],
      ["/init", "file", "0755", 10],
    ]);
    expect(members[2]!.sha256).toBe(createHash("sha256").update(init).digest("hex"));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("diffs", () => {
  it("names entries only on one side and the fields that differ", () => {
    const a = [{ path: "/a", size: 1 }, { path: "/b", size: 2 }];
    const b = [{ path: "/b", size: 3 }, { path: "/c", size: 4 }];
    expect(diffByKey(a, b, (e) => e.path)).toEqual([
      { path: "/a", what: "only in A" },
      { path: "/b", what: "size: 2 ≠ 3" },
      { path: "/c", what: "only in B" },
    ]);
    expect(firstDifferentByte(Buffer.from("abc"), Buffer.from("abd"))).toBe(2);
    expect(firstDifferentByte(Buffer.from("abc"), Buffer.from("abc"))).toBe(-1);
  });
});

describe("timeline", () => {
  it("takes guest stamps from printk and stage 1, host times from line arrival", () => {
    const events = consoleEvents([
      { t: 0.6, text: "[    0.000000] Linux version 6.1.0" },
      { t: 2.3, text: "[    1.890000] Run /init as init process" },
      { t: 3.4, text: "notos stage 1: switching to /usr/lib/notos/stage-2 (uptime 2.87 s)" },
    ]);
    expect(events).toEqual([
      { name: "kernel starts (first kernel line)", host: 0.6, guest: 0 },
      { name: "kernel runs /init", host: 2.3, guest: 1.89 },
      { name: "stage 1: switch_root", host: 3.4, guest: 2.87 },
    ]);
    expect(clockOffset(events)).toBeCloseTo(0.41);
  });

  it("anchors the clocks on stage 1's own uptime when a quiet kernel prints no stamps", () => {
    const events = consoleEvents([
      { t: 2.5, text: "notos stage 1: started (uptime 1.95 s)" },
      { t: 3.1, text: "notos stage 1: switching to /usr/lib/notos/stage-2 (uptime 2.5 s)" },
    ]);
    expect(events).toEqual([
      { name: "stage 1 starts", host: 2.5, guest: 1.95 },
      { name: "stage 1: switch_root", host: 3.1, guest: 2.5 },
    ]);
    expect(clockOffset(events)).toBeCloseTo(0.55);
    expect(clockOffset([{ name: "stage 2 starts", host: 4 }])).toBeUndefined();
  });

  it("turns runit's TAI64N status times into guest uptime, falling back to sv's whole seconds", () => {
    // Unix time 1000.5 as TAI64N: 2^62 + 10 + 1000 seconds, 500000000 ns.
    const tai = (4611686018427387914n + 1000n).toString(16).padStart(16, "0") + (500_000_000).toString(16).padStart(8, "0");
    const out = ["20.0", "1010.5", `svc sshd ${tai} 10`, "svc nginx  7", "svc broken"].join("\n");
    expect(serviceEvents(out)).toEqual([
      { name: "service sshd started", guest: 10 },
      { name: "service nginx started", guest: 13 },
    ]);
  });

  it("turns the change times of the marked files into guest uptime, and skips what it does not know", () => {
    // Booted at wall clock 1000 (now 1020.5 at uptime 20.5).
    const out = ["20.5", "1020.5", "file /run/sshd.pid 1007.25", "file /run/nginx.pid 1006", "file /etc/other 1001", "garbage"].join("\n");
    expect(guestFileEvents(out)).toEqual([
      { name: "sshd listens (its pid file)", guest: 7.25 },
      { name: "nginx listens (its pid file)", guest: 6 },
    ]);
  });

  it("turns the -icount timeline into one metric per event, named for comparing stops", () => {
    const one = summarize([1]);
    const boot = { runs: [], floor: one, poweroff: one, figures: { stage2: { time: one, aboveFloor: one, ratio: one } }, guestTime: [{ name: "sshd listens (its pid file)", guest: 6.98 }, { name: "stage 1: switch_root", guest: 3.6 }] };
    const metrics = collectMetrics({ date: "", commit: "", host: { cpus: 2, cpuModel: "", node: "" }, runs: 1, cases: ["boot"], errors: [], boot: boot as never });
    expect(metrics.filter((m) => m.name.startsWith("boot.icount.")).map((m) => [m.name, m.median])).toEqual([
      ["boot.icount.sshd-listens-its-pid-file", 6.98],
      ["boot.icount.stage-1-switch-root", 3.6],
    ]);
  });

  it("reads the marked files' times with a command the guest's dash runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "notos-bench-marks-"));
    try {
      // The same command with the paths moved into a scratch directory: one file, one link, the rest missing.
      writeFileSync(join(dir, "sshd.pid"), "1\n");
      symlinkSync("/nonexistent", join(dir, "tls.conf"));
      const command = GUEST_FILE_TIMES_COMMAND.replace("/run/sshd.pid", join(dir, "sshd.pid")).replace("/run/nginx-tls/tls.conf", join(dir, "tls.conf"));
      const out = execFileSync("dash", ["-c", command], { encoding: "utf8" });
      expect(out.trim().split("\n").filter((l) => l.startsWith("file ")).map((l) => l.split(" ")[1])).toEqual([join(dir, "sshd.pid"), join(dir, "tls.conf")]);
      // Each time is a change time in seconds since the epoch, as `date +%s.%N` on the line above prints the clock.
      const [, now, ...files] = out.trim().split("\n");
      for (const line of files) expect(Math.abs(Number(line.split(" ")[2]) - Number(now))).toBeLessThan(60);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("stats and budgets", () => {
  it("summarises runs by min, median and max", () => {
    expect(summarize([3, 1, 2])).toMatchObject({ min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 2, 3]).median).toBe(2.5);
  });

  it("reads human sizes and says by how much a budget is exceeded", () => {
    expect(parseBytes("1.5 MiB")).toBe(1572864);
    expect(() => parseBytes("lots")).toThrow(/not a size/);
    const sizes = { kernel: 10, initrd: 30, initrdCompression: "zstd" as const, initrdBy: { gzip: 40, zstd: 30, xz: 20, none: 90 }, rootfs: 100, rootfsCompression: "xz", rootfsFiles: 0, packages: [], layers: [] };
    const checks = checkBudgets(sizes, { "root.squashfs": 90, "initrd.xz": 25 });
    expect(checks).toEqual([
      { name: "root.squashfs", size: 100, budget: 90, over: 10 },
      { name: "initrd.xz", size: 20, budget: 25, over: -5 },
    ]);
    expect(() => checkBudgets(sizes, { swap: 1 })).toThrow(/does not measure/);
  });
});
