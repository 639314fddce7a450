// The README's "An initrd from a directory" block, run as written: from a
// temporary directory holding a `rootfs`, as someone would paste it.
import { createReadStream, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { sourceDateEpoch } from "@notos/core";
import { readCpio } from "../src/public/cpio.js";
import { treeFromDirectory } from "../src/public/tree.js";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";

const HEADING = "## An initrd from a directory";
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const example = () => exampleUnder(readme, HEADING);

describe("README: an initrd from a directory", () => {
  it("is five lines", () => {
    expect(example().trimEnd().split("\n")).toHaveLength(5);
  });

  it("runs, and the initrd it writes holds exactly the directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notos-readme-"));
    dirs.push(dir);
    await mkdir(join(dir, "rootfs/bin"), { recursive: true });
    await writeFile(join(dir, "rootfs/init"), "#!/bin/busybox sh\necho hello\n");
    await chmod(join(dir, "rootfs/init"), 0o755);
    await writeFile(join(dir, "rootfs/bin/busybox"), "not really busybox");
    await symlink("busybox", join(dir, "rootfs/bin/sh"));
    await runExampleIn(dir, example());
    const read = await readCpio(createReadStream(join(dir, "initrd.img")).pipe(createGunzip()));
    expect(read).toEqual(await treeFromDirectory(join(dir, "rootfs"), { mtime: sourceDateEpoch() }));
    expect(read.map((e) => e.path)).toEqual(["/", "/bin", "/bin/busybox", "/bin/sh", "/init"]);
  });
});
