import { chmod, link, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotosError } from "@notos/core";
import { cpioBytes, readCpio } from "../src/index.js";
import { treeFromDirectory } from "../src/index.js";

let scratch: string;
let root: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "notos-tree-"));
  root = join(scratch, "root");
  await mkdir(join(root, "bin"), { recursive: true });
  await mkdir(join(root, "etc/empty"), { recursive: true });
  await writeFile(join(root, "init"), "#!/bin/sh\n");
  await writeFile(join(root, "bin/busybox"), "BB");
  await link(join(root, "bin/busybox"), join(root, "bin/ash"));
  await symlink("busybox", join(root, "bin/sh"));
  await writeFile(join(root, "etc/secret"), "");
  await chmod(join(root, "init"), 0o755);
  await chmod(join(root, "bin/busybox"), 0o4755);
  await chmod(join(root, "etc/secret"), 0o600);
  await chmod(join(root, "etc/empty"), 0o700);
  await chmod(root, 0o755);
  for (const p of ["init", "bin/busybox", "etc/secret", "etc/empty", "etc", "bin", "."]) await utimes(join(root, p), 1000, 1000);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("treeFromDirectory", () => {
  it("reads files, directories, symlinks and hard links, sorted by path, owned by root, modes kept", async () => {
    const tree = await treeFromDirectory(root);
    expect(tree.map((e) => [e.path, e.type, e.mode.toString(8), e.uid, e.gid, e.type === "symlink" || e.type === "hardlink" ? e.target : e.type === "file" ? Buffer.from(e.content).toString() : undefined])).toEqual([
      ["/", "dir", "755", 0, 0, undefined],
      // Hard links: the first path of the group is the file, as readCpio gives them.
      ["/bin", "dir", "755", 0, 0, undefined],
      ["/bin/ash", "file", "4755", 0, 0, "BB"],
      ["/bin/busybox", "hardlink", "4755", 0, 0, "/bin/ash"],
      ["/bin/sh", "symlink", "777", 0, 0, "busybox"],
      ["/etc", "dir", "755", 0, 0, undefined],
      ["/etc/empty", "dir", "700", 0, 0, undefined],
      ["/etc/secret", "file", "600", 0, 0, ""],
      ["/init", "file", "755", 0, 0, "#!/bin/sh\n"],
    ]);
    expect(tree.find((e) => e.path === "/init")!.mtime).toBe(1000);
  });

  it("gives every entry the owner and mtime asked for", async () => {
    const tree = await treeFromDirectory(root, { uid: 1000, gid: 100, mtime: 7 });
    expect(new Set(tree.map((e) => `${e.uid}:${e.gid}@${e.mtime}`))).toEqual(new Set(["1000:100@7"]));
  });

  it("round-trips through the cpio writer and reader", async () => {
    const tree = await treeFromDirectory(root, { mtime: 5 });
    expect(await readCpio(cpioBytes(tree, { mtime: 5 }))).toEqual(tree);
  });

  it("is what readCpio makes of GNU cpio's archive of the same directory", async () => {
    const names = (await treeFromDirectory(root)).map((e) => (e.path === "/" ? "." : e.path.slice(1)));
    const { stdout } = await execa("cpio", ["-o", "-H", "newc", "-R", "0:0", "--quiet"], { cwd: root, input: names.join("\n") + "\n", encoding: "buffer" });
    expect(await readCpio(stdout)).toEqual(await treeFromDirectory(root));
  });

  it("refuses what is not a directory, and sockets", async () => {
    await expect(treeFromDirectory(join(root, "init"))).rejects.toThrow(expect.objectContaining({ code: "TREE_DIRECTORY" }));
    await expect(treeFromDirectory(join(scratch, "nowhere"))).rejects.toThrow(NotosError);
    const withSocket = join(scratch, "socket");
    await mkdir(withSocket);
    const server = createServer().listen(join(withSocket, "s"));
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      await expect(treeFromDirectory(withSocket)).rejects.toThrow(expect.objectContaining({ code: "TREE_UNSUPPORTED" }));
    } finally {
      server.close();
    }
  });
});
