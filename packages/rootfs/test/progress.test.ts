// What the root builder tells a watching user: packages merged of how many,
// and a byte total for the squashfs step so the terminal can show time left.
// The total is checked against the real tar stream, not recomputed.
import { describe, expect, it } from "vitest";
import { createReporter, type ProgressEvent } from "@notos/core/progress";
import { assembleRoot } from "../src/assemble.js";
import { tarSize, tarStream } from "../src/tar.js";
import { dir, file, hardlink, symlink } from "./helpers.js";

describe("progress of the root", () => {
  it("counts the packages merged, one event each, out of all of them", async () => {
    const events: ProgressEvent[] = [];
    const reporter = createReporter({ builder: "rootfs", level: "debug", sink: (e) => events.push(e) });
    const pkg = (name: string) => ({ name, entries: [dir("/"), dir("/usr"), file(`/usr/${name}`, name)] });
    await assembleRoot({ rootfs: { exclude: [], include: [], conflicts: {} }, packages: [pkg("b"), pkg("a"), pkg("c")], layers: [], reporter });
    const counts = events.filter((e) => e.type === "count");
    expect(counts.map((e) => e.type === "count" && [e.step, e.done, e.total, e.unit])).toEqual([
      ["merging the root", 1, 3, "packages"],
      ["merging the root", 2, 3, "packages"],
      ["merging the root", 3, 3, "packages"],
    ]);
  });

  it("knows the length of the tar stream it feeds to mksquashfs before writing it", async () => {
    const entries = [dir("/"), dir("/etc"), file("/etc/a", "x".repeat(513)), file("/etc/empty", ""), symlink("/etc/l", "a"), hardlink("/etc/h", "/etc/a"), file("/etc/b", "y".repeat(1024))];
    let length = 0;
    for await (const chunk of tarStream(entries, { mtime: 0 })) length += (chunk as Buffer).byteLength;
    expect(tarSize(entries)).toBe(length);
  });
});
