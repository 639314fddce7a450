// Progress events as plain lines — what a build prints when its output is
// not a terminal (CI logs, pipes) — and the level that lets them through.
import { describe, expect, it } from "vitest";
import { createReporter, formatEvent, type ProgressEvent } from "../src/progress.js";

describe("progress events", () => {
  it("print as one plain line each: steps, bytes, counts and logs", () => {
    const events: ProgressEvent[] = [];
    const reporter = createReporter({ builder: "rootfs", level: "debug", sink: (e) => events.push(e) });
    reporter.step("merging the root", "150 packages");
    reporter.count("merging the root", 12, 150, "packages");
    reporter.bytes("writing root.squashfs", 3 * 1024 * 1024, 12 * 1024 * 1024);
    reporter.child("kernel").warn("no module matched");
    expect(events.map(formatEvent)).toEqual([
      "rootfs: merging the root (150 packages)",
      "rootfs: merging the root 12 / 150 packages",
      "rootfs: writing root.squashfs 3.0 MiB / 12.0 MiB",
      "kernel: warn: no module matched",
    ]);
  });

  it("leave counts and bytes out at the default level, where a plain log would drown in them", () => {
    const events: ProgressEvent[] = [];
    const reporter = createReporter({ level: "info", sink: (e) => events.push(e) });
    reporter.count("merging the root", 1, 2, "packages");
    reporter.bytes("downloading packages", 1);
    reporter.step("done");
    expect(events.map((e) => e.type)).toEqual(["step"]);
  });
});
