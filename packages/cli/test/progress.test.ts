// The terminal progress: one line per builder, redrawn in place, with bytes,
// rate and time left; log lines scroll above it.
import { describe, expect, it } from "vitest";
import { progressReporter, render } from "../src/progress.js";

describe("progress on a terminal", () => {
  it("shows bytes done of the total, the rate and the time left", () => {
    expect(render("debian", { step: "downloading packages", done: 10 * 1024 * 1024, total: 40 * 1024 * 1024, since: 0 }, 5000)).toBe(
      "debian   downloading packages  10.0 MiB / 40.0 MiB  2.0 MiB/s  15s left",
    );
    expect(render("rootfs", { step: "writing root.squashfs", detail: "xz, 1447 entries" }, 0)).toBe("rootfs   writing root.squashfs (xz, 1447 entries)");
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
