// assembleDist: the five files, their modes, replacement of an old dist/, reproducibility.
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { systemSchema } from "@notos/core";
import { assembleDist, runvmScript, type DistInputs } from "../src/index.js";

let work: string;
let inputs: DistInputs;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "notos-dist-test-"));
  for (const [name, text] of [["bzImage", "kernel bytes"], ["initrd.zst", "initrd bytes"], ["root.squashfs", "squashfs bytes"]]) {
    await writeFile(join(work, name!), text!);
  }
  inputs = {
    kernel: join(work, "bzImage"),
    initrd: join(work, "initrd.zst"),
    rootfs: join(work, "root.squashfs"),
    commandLine: "console=ttyS0 root=/dev/vda",
    config: systemSchema.parse({ qemu: { forwards: [{ host: 2222, guest: 22 }] } }),
  };
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    const s = await stat(join(dir, name));
    out[name] = `${(s.mode & 0o777).toString(8)} ${s.mtimeMs} ${(await readFile(join(dir, name))).toString("base64")}`;
  }
  return out;
}

describe("assembleDist", () => {
  it("writes the four files of not-os's dist plus runvm", async () => {
    const out = join(work, "dist");
    const files = await assembleDist(out, inputs);
    expect((await readdir(out)).sort()).toEqual(["command-line", "initrd", "kernel", "root.squashfs", "runvm"]);
    expect(await readFile(files.kernel, "utf8")).toBe("kernel bytes");
    expect(await readFile(files.commandLine, "utf8")).toBe("console=ttyS0 root=/dev/vda\n");
    expect(await readFile(files.runvm, "utf8")).toBe(runvmScript(inputs.config));
    expect((await stat(files.runvm)).mode & 0o777).toBe(0o755);
    expect((await stat(files.rootfs)).mode & 0o777).toBe(0o644);
  });

  it("replaces an existing dist/ entirely and leaves no temporary directory", async () => {
    const out = join(work, "replace", "dist");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "stale"), "old");
    await assembleDist(out, inputs);
    expect(await readdir(out)).not.toContain("stale");
    expect(await readdir(join(work, "replace"))).toEqual(["dist"]);
  });

  it("gives the same bytes, modes and times for the same inputs", async () => {
    const a = join(work, "a");
    const b = join(work, "b");
    await assembleDist(a, inputs);
    await new Promise((r) => setTimeout(r, 20));
    await assembleDist(b, inputs);
    expect(await snapshot(a)).toEqual(await snapshot(b));
  });
});
