// The terminal progress: one line per builder, redrawn in place, with bytes
// (or packages, entries), rate and time left; log lines scroll above it.
import { describe, expect, it } from "vitest";
import { progressReporter, render } from "../src/progress.js";

describe("progress on a terminal", () => {
  it("shows bytes done of the total, the rate and the time left", () => {
    expect(render("debian", { step: "downloading packages", done: 10 * 1024 * 1024, total: 40 * 1024 * 1024, since: 0 }, 5000)).toBe(
      "debian   downloading packages  10.0 MiB / 40.0 MiB  2.0 MiB/s  15s left",
    );
    expect(render("rootfs", { step: "writing root.squashfs", detail: "xz, 1447 entries" }, 0)).toBe("rootfs   writing root.squashfs (xz, 1447 entries)");
  });

  it("counts things other than bytes, with their unit, rate and time left", () => {
    expect(render("rootfs", { step: "merging the root", detail: "150 packages, 3 layers", done: 30, total: 150, unit: "packages", since: 0 }, 10_000)).toBe(
      "rootfs   merging the root (150 packages, 3 layers)  30 / 150 packages  3.0 packages/s  40s left",
    );
  });

  it("keeps a step's detail while its count advances, and restarts the clock for a new unit", () => {
    let t = 0;
    const out: string[] = [];
    const rootfs = progressReporter((s) => out.push(s), () => t).child("rootfs");
    rootfs.step("merging the root", "4 packages");
    rootfs.count("merging the root", 1, 4, "packages");
    t = 2000;
    rootfs.count("merging the root", 3, 4, "packages");
    expect(out.at(-1)).toContain("rootfs   merging the root (4 packages)  3 / 4 packages  1.5 packages/s  1s left\n");
    rootfs.bytes("merging the root", 100);
    t = 2100;
    rootfs.bytes("merging the root", 200);
    // Bytes now, timed from their own start: no rate yet, and the detail stays.
    expect(out.at(-1)).toContain("rootfs   merging the root (4 packages)  200 B\n");
  });

  it("redraws its lines in place and prints log lines above them", () => {
    let t = 0;
    const out: string[] = [];
    const reporter = progressReporter((s) => out.push(s), () => t);
    const kernel = reporter.child("kernel");
    const rootfs = reporter.child("rootfs");
    kernel.step("extracting", "linux-image");
    rootfs.step("merging the root");
    t = 1000;
    rootfs.bytes("writing root.squashfs", 1024 * 1024);
    kernel.info("14 modules included");
    const text = out.join("");
    // The second draw moves up over the first (two lines) and clears before redrawing.
    expect(text).toContain("\x1b[1A\x1b[J");
    expect(text).toContain("\x1b[2A\x1b[J");
    expect(text).toContain("kernel: 14 modules included\n");
    expect(text.endsWith("kernel   extracting (linux-image)\nrootfs   writing root.squashfs  1.0 MiB\n")).toBe(true);
  });
});
