// The root verified at run time (rootfs.verity), on a real boot under QEMU
// (TCG): the default system with root.squashfs carrying its dm-verity hash
// tree and the root hash on the command line. The hash tree of the built
// image passes `veritysetup verify` on the host; the system boots with its
// root opened through dm-verity, and every file under /usr reads. Then the same dist with one byte
// flipped in a data block of a file nothing opens before a login (libmagic's
// database: the root has no `file` program), found with rdsquashfs, booted
// past runvm's signature check (the Machine driver starts QEMU itself): it
// still boots, reading that file gives "Input/output error", and the kernel
// logs the corrupted block — every other file reads with the image's bytes.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Machine } from "@notos/qemu";
import { buildTestSystem, type TestSystem } from "./system.ts";

let system: TestSystem;
let verity: { dataBlocks: number; hashStartBlock: number; rootHash: string; salt: string };
/** sha256 of every regular file of the built root.squashfs, by path: what the guest must read back. */
const expected = new Map<string, string>();
let machine: Machine | undefined;

/** Where the guest mounts the verified root a second time, to read the image's own files (not the overlay's). */
const CHECK = "/run/verity-check";
/** In the guest: the root image through dm-verity, mounted again, and sha256 of each of its files (errors on stdout too). */
/** A file of the test's root that no boot step reads, larger than a squashfs block, so it has data blocks of its own (not shared in a fragment). */
const UNREAD = "/usr/lib/file/magic.mgc";

/** Where the first data block of `path` sits in a squashfs image, and its stored size (rdsquashfs -s). */
function dataBlock(image: string, path: string): { start: number; size: number } {
  const stat = execFileSync("rdsquashfs", ["-s", path, image], { encoding: "utf8" });
  const start = /^Blocks start: (\d+)$/m.exec(stat);
  const size = /^\s*Block #0 size: (\d+)/m.exec(stat);
  if (!start || !size) throw new Error(`rdsquashfs gave no data block of ${path}:\n${stat}`);
  return { start: Number(start[1]), size: Number(size[1]) };
}

const HASH_ALL = `mkdir -p ${CHECK} && mount -t squashfs -o ro /dev/mapper/notos-root ${CHECK} && cd ${CHECK} && find . -xdev -type f -print0 | xargs -0 sha256sum 2>&1; cd /; umount ${CHECK}`;

function hashLines(out: string): { hashes: Map<string, string>; errors: string[] } {
  const hashes = new Map<string, string>();
  const errors: string[] = [];
  for (const line of out.split("\n")) {
    const m = /^([0-9a-f]{64})  \.(\/.*)$/.exec(line);
    if (m) hashes.set(m[2]!, m[1]!);
    else if (line.trim()) errors.push(line);
  }
  return { hashes, errors };
}

function boot(dist: string, name: string): Machine {
  return new Machine({ dist, config: system.config, accel: "tcg", consoleLog: join(dist, "..", `${name}.log`), commandTimeoutMs: 300_000 });
}

beforeAll(async () => {
  system = await buildTestSystem({ rootfs: { verity: true }, environment: { packages: ["libmagic-mgc"] } });
  const line = readFileSync(join(system.dist, "command-line"), "utf8");
  const m = /(?:^| )notos\.verity=(\d+),(\d+),([0-9a-f]{64}),([0-9a-f]{64})(?: |\n|$)/.exec(line);
  if (!m) throw new Error(`the command line has no notos.verity=: ${line}`);
  verity = { dataBlocks: Number(m[1]), hashStartBlock: Number(m[2]), rootHash: m[3]!, salt: m[4]! };
  const tree = mkdtempSync(join(tmpdir(), "notos-verity-root-"));
  execFileSync("unsquashfs", ["-no-progress", "-no-xattrs", "-quiet", "-f", "-d", join(tree, "root"), join(system.dist, "root.squashfs")], { stdio: "ignore" });
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}/${e.name}`);
      else if (e.isFile()) expected.set(`${rel}/${e.name}`, createHash("sha256").update(readFileSync(join(dir, e.name))).digest("hex"));
    }
  };
  walk(join(tree, "root"), "");
}, 1_200_000);

afterAll(() => machine?.kill());

describe("a root with a dm-verity hash tree", () => {
  it("carries the tree veritysetup verifies, with the root hash of the signed command line", () => {
    const image = join(system.dist, "root.squashfs");
    const args = ["verify", "--no-superblock", `--salt=${verity.salt}`, `--hash-offset=${verity.hashStartBlock * 4096}`, `--data-blocks=${verity.dataBlocks}`, image, image];
    const good = spawnSync("veritysetup", [...args, verity.rootHash], { encoding: "utf8" });
    expect(good.status, good.stderr).toBe(0);
    expect(spawnSync("veritysetup", [...args, "f".repeat(64)], { encoding: "utf8" }).status).not.toBe(0);
    expect(expected.size).toBeGreaterThan(500);
  });

  it("boots with the root opened through dm-verity, and every file under /usr reads", async () => {
    machine = boot(system.dist, "console-verity");
    await machine.start();
    await machine.waitForShell(300_000);
    expect(machine.consoleText()).toMatch(/notos stage 1: opening \/dev\/vda through dm-verity \(\d+ data blocks, root hash [0-9a-f]{64}\)/);
    expect((await machine.succeed("cat /sys/block/dm-0/dm/name")).trim()).toBe("notos-root");
    expect((await machine.succeed("cat /sys/block/dm-0/ro")).trim()).toBe("1");
    // Every file of the root reads (the next test compares their bytes with the image's, one flipped block apart).
    const read = await machine.succeed(`find /usr -xdev -type f -exec cat {} + 2>&1 >/dev/null; echo "exit $?"`, 600_000);
    expect(read.trim()).toBe("exit 0");
    machine.kill();
    machine = undefined;
  }, 900_000);

  it("with a byte of a data block flipped, still boots, and that file is an I/O error, never changed bytes", async () => {
    const dist = join(mkdtempSync(join(tmpdir(), "notos-verity-flipped-")), "dist");
    mkdirSync(dist);
    for (const f of readdirSync(system.dist)) if (f !== "root.squashfs") copyFileSync(join(system.dist, f), join(dist, f));
    const image = readFileSync(join(system.dist, "root.squashfs"));
    const block = dataBlock(join(system.dist, "root.squashfs"), UNREAD);
    const at = block.start + Math.floor(block.size / 2);
    expect(at).toBeLessThan(verity.dataBlocks * 4096);
    image[at]! ^= 0x20;
    writeFileSync(join(dist, "root.squashfs"), image);

    machine = boot(dist, "console-flipped");
    await machine.start();
    await machine.waitForShell(300_000);
    const { hashes, errors } = hashLines(await machine.succeed(HASH_ALL, 600_000));
    // The file fails to read...
    expect(errors).toEqual([`sha256sum: .${UNREAD}: Input/output error`]);
    // ...and every other file reads as the image holds it: no changed byte is ever served.
    expect(hashes).toEqual(new Map([...expected].filter(([path]) => path !== UNREAD)));
    const dmesg = await machine.succeed("dmesg");
    expect(dmesg).toMatch(new RegExp(`device-mapper: verity: [0-9:]+: data block ${Math.floor(at / 4096)} is corrupted`));
    console.log(`flipped byte ${at} (verity data block ${Math.floor(at / 4096)}, in ${UNREAD}): it is an I/O error, ${hashes.size} other files read intact`);
  }, 900_000);
});
