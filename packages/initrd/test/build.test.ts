// buildInitrd against the real Debian packages: contents, determinism, compressors.
import { readFile } from "node:fs/promises";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { buildKernel, type KernelArtifact } from "@notos/kernel";
import { INIT_FILE } from "../src/build.js";
import { buildInitrd, type Compression, type InitrdArtifact } from "../src/index.js";
import { bootOptions, testContext } from "./context.js";

const withCompression = (compression: Compression) => ({ ...bootOptions, boot: { ...bootOptions.boot, initrd: { ...bootOptions.boot.initrd, compression } } });
let kernel: KernelArtifact;
const built: Partial<Record<Compression, InitrdArtifact>> = {};

beforeAll(async () => {
  kernel = await buildKernel(testContext(bootOptions));
  for (const c of ["none", "gzip", "zstd", "xz"] as const) built[c] = await buildInitrd(testContext(withCompression(c)), { kernel });
}, 600_000);

const decompress: Record<Compression, string[] | undefined> = { none: undefined, gzip: ["gzip", "-dc"], zstd: ["zstd", "-dcq"], xz: ["xz", "-dc"] };

async function cpioOf(a: InitrdArtifact): Promise<Buffer> {
  const cmd = decompress[a.compression];
  if (!cmd) return readFile(a.file);
  return Buffer.from((await execa(cmd[0]!, [...cmd.slice(1), a.file], { encoding: "buffer" })).stdout);
}

describe("buildInitrd", () => {
  it("holds /init, busybox with its applets, the module closure and the device nodes", async () => {
    const { stdout } = await execa("cpio", ["-tv", "--quiet", "--numeric-uid-gid"], { input: await cpioOf(built.none!) });
    const lines = stdout.split("\n");
    const find = (name: string) => lines.find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `));
    expect(find("init")).toMatch(/^-rwxr-xr-x +1 0 +0 /);
    expect(find("bin/busybox")).toMatch(/^-rwxr-xr-x +1 0 +0 /);
    expect(find("bin/sh")).toMatch(/^lrwxrwxrwx .* bin\/sh -> \/bin\/busybox$/);
    for (const applet of ["sbin/modprobe", "sbin/switch_root", "bin/mount", "sbin/poweroff", "bin/cttyhack", "usr/bin/setsid"]) expect(find(applet), applet).toBeDefined();
    expect(find("linuxrc")).toBeUndefined();
    expect(find("dev/console")).toMatch(/^crw------- +1 0 +0 +5, +1 /);
    expect(find("dev/null")).toMatch(/^crw-rw-rw- +1 0 +0 +1, +3 /);
    const modDir = `lib/modules/${kernel.version}`;
    for (const m of kernel.modules) expect(find(`${modDir}/${m.file}`), m.file).toMatch(/^-rw-r--r-- /);
    expect(find(`${modDir}/modules.dep`)).toBeDefined();
    expect(lines.filter((l) => l.endsWith(".ko"))).toHaveLength(kernel.modules.length);
    expect(lines).toHaveLength(built.none!.entries);
    // The archive's /init is the generated stage 1 kept beside it.
    const init = await readFile(`${built.none!.path}/${INIT_FILE}`, "utf8");
    expect(init).toContain("<<< notos stage 1 >>>");
  });

  it("gives identical bytes when built twice from scratch", async () => {
    const a = await buildInitrd(testContext(bootOptions, "fresh"), { kernel });
    const b = await buildInitrd(testContext(bootOptions, "fresh"), { kernel });
    expect(a.cached || b.cached).toBe(false);
    expect(Buffer.compare(await readFile(a.file), await readFile(b.file))).toBe(0);
    expect(a.digest).toBe(b.digest);
    // Each empty store also extracts the kernel again: the graph gives the initrd its kernel.
  }, 300_000);

  it("is cached with the store warm", async () => {
    const again = await buildInitrd(testContext(bootOptions), { kernel });
    expect(again.cached).toBe(true);
    expect(again.digest).toBe(built.none!.digest);
  });

  it("every compressor's output unpacks (with the real tool) to the same archive", async () => {
    const plain = await cpioOf(built.none!);
    for (const c of ["gzip", "zstd", "xz"] as const) {
      expect(Buffer.compare(await cpioOf(built[c]!), plain), c).toBe(0);
      expect(built[c]!.size).toBeLessThan(plain.length / 2);
    }
    expect(built.none!.size).toBe(plain.length);
    console.log(`initrd sizes: ${(["none", "gzip", "zstd", "xz"] as const).map((c) => `${c} ${built[c]!.size}`).join(", ")}`);
  });

  it("gzip output has no name and mtime 0 in its header", async () => {
    const gz = await readFile(built.gzip!.file);
    expect([gz[0], gz[1], gz[2]]).toEqual([0x1f, 0x8b, 8]);
    expect(gz[3]! & 0x08).toBe(0); // FNAME
    expect(gz.readUInt32LE(4)).toBe(0); // MTIME
  });
});
