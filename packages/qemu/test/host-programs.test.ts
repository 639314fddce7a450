// The host programs Machine runs are checked before they run: a missing one
// is core's HOST_PROGRAM_MISSING naming the Debian package (as the README's
// "Host programs" table says), not a bare ENOENT. No QEMU starts here.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { NotosError } from "@notos/core";
import { Machine } from "../src/index.js";
import { ocrPng } from "../src/ocr.js";
import { sshRun } from "../src/ssh.js";

const dirs: string[] = [];
const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function files() {
  const dir = await mkdtemp(join(tmpdir(), "notos-host-programs-"));
  dirs.push(dir);
  for (const name of ["kernel", "initrd", "root.squashfs", "command-line"]) await writeFile(join(dir, name), "x");
  return { dir, files: { kernel: join(dir, "kernel"), initrd: join(dir, "initrd"), rootfs: join(dir, "root.squashfs"), commandLine: join(dir, "command-line") } };
}

async function rejection(promise: Promise<unknown>): Promise<NotosError> {
  const e = await promise.then(() => undefined, (error: unknown) => error);
  expect(e).toBeInstanceOf(NotosError);
  return e as NotosError;
}

describe("missing host programs name their Debian package", () => {
  it("QEMU: qemu-system-x86", async () => {
    const { files: f } = await files();
    const e = await rejection(new Machine({ files: f, qemu: "notos-no-such-qemu" }).start());
    expect(e.code).toBe("HOST_PROGRAM_MISSING");
    expect(e.message).toMatch(/^notos-no-such-qemu is not installed; booting the machine notos needs it\./);
    expect(e.hint).toMatch(/apt-get install qemu-system-x86\).*NOTOS_QEMU/);
  });

  it("UEFI firmware: ovmf", async () => {
    const { dir, files: f } = await files();
    const e = await rejection(new Machine({ files: f, media: { file: f.kernel, firmware: "uefi", ovmf: join(dir, "OVMF.fd") } }).start());
    expect(e.code).toBe("QEMU_FIRMWARE");
    expect(e.hint).toMatch(/apt-get install ovmf/);
  });

  it("tesseract: tesseract-ocr; ssh: openssh-client", async () => {
    const { dir } = await files();
    process.env.PATH = dir;
    const ocr = await rejection(ocrPng(join(dir, "screen.png")));
    expect([ocr.code, ocr.hint]).toEqual(["HOST_PROGRAM_MISSING", expect.stringMatching(/apt-get install tesseract-ocr\)/)]);
    const ssh = await rejection(sshRun({ host: "127.0.0.1", port: 1, key: join(dir, "key") }, "true", { timeoutMs: 1000 }));
    expect([ssh.code, ssh.hint]).toEqual(["HOST_PROGRAM_MISSING", expect.stringMatching(/apt-get install openssh-client\)/)]);
  });
});
