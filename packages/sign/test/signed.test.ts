// A signed build tried the way an attacker would: one build of the disk
// system with signModule and key A (keys of the test's own, made by
// keygen), then
// - what dist/ holds, checked with the tools a user has (openssl, sbverify);
// - the private key's bytes, searched for in dist/ and every store entry
//   the build used (turbo's dist task caches dist/ and copies of them);
// - the store key: key B or no key gives another entry, never A's;
// - runvm before QEMU starts (a stand-in QEMU records whether it ran): one
//   flipped byte in the kernel, initrd, command-line or root.squashfs, a
//   wrong key, a missing signature — each refused; a good dist/ boots the
//   real kernel under real QEMU (until it prints its banner);
// - UEFI Secure Boot under OVMF (the SMM build, enforcing, A's certificate
//   as PK, KEK and db): in one boot, the firmware tries the unsigned UKI,
//   the UKI signed with B, and A-signed UKIs with one byte flipped in
//   .linux, .initrd and .cmdline — each "Access Denied" — and then boots
//   the good one, whose kernel sees Secure Boot enabled and runs stage 1;
// - the disk image: its ESP holds the signed UKI (the unsigned one without
//   a key); `runvm --disk --uefi` boots it with OVMF's Secure Boot firmware
//   and dist/'s variable store, and the guest kernel says Secure Boot is on; a disk.img whose UKI is unsigned, or has one byte
//   changed, is refused by the firmware ("Access Denied") when runvm's own
//   check is skipped (--insecure), and by runvm before QEMU starts otherwise.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { X509Certificate, createHash, createPrivateKey, sign as cryptoSign } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Artifact } from "@notos/core";
import type { DiskImageArtifact } from "@notos/disk";
import { readPe } from "@notos/disk/pe";
import { keygen, type SigningKey } from "@notos/keys";
import { secureBootArgs } from "@notos/qemu";
import { MANIFEST_FILE, SIGNATURE_FILE, authenticodeDigest, manifestSignatureValid, parseManifest, secureBootVarStore, signPe } from "../src/index.js";
import { GUIDS, liveVariables, readSignatureLists, readVarStore } from "../src/public/varstore.js";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";
import { buildSigned, type SignedBuild } from "./system.js";

let A: SigningKey;
let B: SigningKey;
let build: SignedBuild;
let work: string;
const uki = () => (build.built.artifacts.get("disk-uki") as Artifact & { efi: string }).efi;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "notos-sign-test-"));
  A = await keygen({ dir: join(work, "a"), commonName: "owner A" });
  B = await keygen({ dir: join(work, "b"), commonName: "owner B" });
  build = await buildSigned(join(work, "a"));
}, 1_200_000);

describe("a build with key A", () => {
  it("writes SHA256SUMS over what runvm boots, its signature, the signed UKI and the variable store", () => {
    expect(readdirSync(build.dist).sort()).toEqual(["BOOTX64.EFI", "OVMF_VARS.fd", "SHA256SUMS", "SHA256SUMS.sig", "command-line", "disk.img", "initrd", "kernel", "root.squashfs", "runvm"]);
    const entries = parseManifest(readFileSync(join(build.dist, MANIFEST_FILE), "utf8"));
    expect(entries.map((e) => e.name)).toEqual(["OVMF_VARS.fd", "command-line", "disk.img", "initrd", "kernel", "root.squashfs"]);
    for (const e of entries) expect(createHash("sha256").update(readFileSync(join(build.dist, e.name))).digest("hex")).toBe(e.sha256);
    expect(manifestSignatureValid(readFileSync(join(build.dist, MANIFEST_FILE)), readFileSync(join(build.dist, SIGNATURE_FILE)), readFileSync(A.certificate))).toBe(true);
    expect(manifestSignatureValid(readFileSync(join(build.dist, MANIFEST_FILE)), readFileSync(join(build.dist, SIGNATURE_FILE)), readFileSync(B.certificate))).toBe(false);
    expect(build.events.filter((e) => e.type === "log" && /unsigned/.test(String((e as { message?: string }).message)))).toEqual([]);
  });

  it("signs the UKI so that sbverify accepts A's certificate and not B's, deterministically", async () => {
    const efi = join(build.dist, "BOOTX64.EFI");
    expect((await execa("sbverify", ["--cert", A.certificate, efi], { reject: false })).exitCode).toBe(0);
    const wrong = await execa("sbverify", ["--cert", B.certificate, efi], { reject: false });
    expect(wrong.exitCode).not.toBe(0);
    // The same image and key give the same bytes (RSA PKCS#1 v1.5, no signing time).
    const again = signPe(readFileSync(uki()), { key: createPrivateKey(readFileSync(A.key)), certificate: A.der });
    expect(again.equals(readFileSync(efi))).toBe(true);
    expect(authenticodeDigest(readFileSync(efi)).equals(authenticodeDigest(Buffer.concat([readFileSync(uki()), Buffer.alloc((8 - (statSync(uki()).size % 8)) % 8)])))).toBe(true);
  });

  it("leaves the private key's bytes nowhere in dist/ or the store entries it used", () => {
    const der = createPrivateKey(readFileSync(A.key)).export({ type: "pkcs8", format: "der" });
    const pemBody = readFileSync(A.key, "utf8").split("\n").filter((l) => l && !l.startsWith("-----"));
    const needles = [der.subarray(0, 64), der.subarray(der.length - 64), Buffer.from(pemBody[1]!), Buffer.from(pemBody[pemBody.length - 2]!)];
    const files: string[] = [];
    const walk = (p: string) => {
      for (const e of readdirSync(p, { withFileTypes: true })) {
        const f = join(p, e.name);
        if (e.isDirectory()) walk(f);
        else if (e.isFile()) files.push(f);
      }
    };
    walk(build.dist);
    for (const entry of build.built.entries) walk(entry);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `${f} holds bytes of the private key`).toBe(false);
    }
  });

  it("keys its signed entries by the certificate: key B and no key get entries of their own", async () => {
    const path = (b: SignedBuild, name: string) => b.built.artifacts.get(name)!.path;
    const withB = await buildSigned(join(work, "b"));
    expect(path(withB, "sign-dist")).not.toBe(path(build, "sign-dist"));
    expect(path(withB, "sign-uki")).not.toBe(path(build, "sign-uki"));
    expect(path(withB, "disk-uki")).toBe(path(build, "disk-uki"));
    expect(manifestSignatureValid(readFileSync(join(withB.dist, MANIFEST_FILE)), readFileSync(join(withB.dist, SIGNATURE_FILE)), readFileSync(B.certificate))).toBe(true);
    const unsigned = await buildSigned(join(work, "none"));
    expect(path(unsigned, "sign-dist")).not.toBe(path(build, "sign-dist"));
    expect(readdirSync(unsigned.dist)).not.toContain(SIGNATURE_FILE);
    expect(readdirSync(unsigned.dist)).not.toContain("BOOTX64.EFI");
    expect(readdirSync(unsigned.dist)).not.toContain("OVMF_VARS.fd");
    // Without a key the disk image carries disk-uki's UKI, passed through sign-uki unchanged.
    expect(espUki(unsigned).equals(readFileSync((unsigned.built.artifacts.get("disk-uki") as Artifact & { efi: string }).efi))).toBe(true);
    expect(espUki(build).equals(readFileSync(join(build.dist, "BOOTX64.EFI")))).toBe(true);
    const said = unsigned.events.filter((e) => e.type === "log" && /unsigned: no signing key/.test(String((e as { message?: string }).message)));
    expect(said).toHaveLength(1);
  }, 600_000);
});

describe("runvm checks dist/ before QEMU starts", () => {
  let dist: string;
  let marker: string;
  let standIn: string;

  beforeAll(() => {
    dist = join(work, "dist-copy");
    cpSync(build.dist, dist, { recursive: true });
    marker = join(work, "qemu-ran");
    standIn = join(work, "qemu-stand-in");
    writeFileSync(standIn, `#!/bin/sh\necho ran > ${JSON.stringify(marker)}\n`);
    chmodSync(standIn, 0o755);
  });

  const runvm = async (args: string[], env: Record<string, string> = {}) => {
    rmSync(marker, { force: true });
    const r = await execa(join(dist, "runvm"), args, { reject: false, env: { NOTOS_QEMU: standIn, NOTOS_ACCEL: "tcg", NOTOS_SIGNING_KEYS: join(work, "none"), ...env } });
    return { ...r, ran: existsSync(marker) };
  };

  it("runs QEMU for the dist/ A signed, with A's certificate", async () => {
    const r = await runvm([], { NOTOS_TRUST: A.certificate });
    expect(r.stderr).toContain(`dist/ verified: SHA256SUMS signed by ${A.certificate}`);
    expect(r.ran).toBe(true);
    // By default the certificate is the user's own (NOTOS_SIGNING_KEYS, else the config directory).
    expect((await runvm([], { NOTOS_SIGNING_KEYS: join(work, "a") })).ran).toBe(true);
  });

  for (const file of ["kernel", "initrd", "command-line", "root.squashfs", "disk.img", "OVMF_VARS.fd"]) {
    it(`refuses one flipped byte in ${file}`, async () => {
      const f = join(dist, file);
      const original = readFileSync(f);
      const flipped = Buffer.from(original);
      const at = Math.floor(flipped.length / 2);
      flipped[at] = flipped[at]! ^ 0x01;
      writeFileSync(f, flipped);
      try {
        const r = await runvm([], { NOTOS_TRUST: A.certificate });
        expect(r.ran).toBe(false);
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain(`${file} differs from the signed SHA256SUMS`);
      } finally {
        writeFileSync(f, original);
      }
    });
  }

  it("refuses a signature by another key, an unsigned dist/, and a signed one it has no certificate for; --insecure boots it anyway", async () => {
    const wrong = await runvm(["--trust", B.certificate]);
    expect(wrong.ran).toBe(false);
    expect(wrong.stderr).toMatch(/bad signature: .*SHA256SUMS.sig is not a signature of SHA256SUMS by the key of .*b\/notos\.crt/);
    const noTrust = await runvm([]);
    expect(noTrust.ran).toBe(false);
    expect(noTrust.stderr).toMatch(/is signed, but there is no certificate to check it with/);
    const sig = readFileSync(join(dist, SIGNATURE_FILE));
    rmSync(join(dist, SIGNATURE_FILE));
    try {
      const unsigned = await runvm([], { NOTOS_TRUST: A.certificate });
      expect(unsigned.ran).toBe(false);
      expect(unsigned.stderr).toMatch(/is not signed \(SHA256SUMS has no SHA256SUMS.sig\).*npx notos keygen.*--insecure/);
      const insecure = await runvm(["--insecure"], { NOTOS_TRUST: A.certificate });
      expect(insecure.ran).toBe(true);
      expect(insecure.stderr).toContain("--insecure: booting without checking signatures");
    } finally {
      writeFileSync(join(dist, SIGNATURE_FILE), sig);
    }
  });

  it("refuses --disk --uefi when SHA256SUMS does not cover the image and the variable store it boots", async () => {
    const sums = readFileSync(join(dist, MANIFEST_FILE));
    const sig = readFileSync(join(dist, SIGNATURE_FILE));
    const directOnly = parseManifest(sums.toString()).filter((e) => !["disk.img", "OVMF_VARS.fd"].includes(e.name));
    try {
      // Signed by A, as an older build signed it: the four direct-boot files alone.
      const text = directOnly.map((e) => `${e.sha256}  ${e.name}\n`).join("");
      writeFileSync(join(dist, MANIFEST_FILE), text);
      writeFileSync(join(dist, SIGNATURE_FILE), cryptoSign("sha256", Buffer.from(text), createPrivateKey(readFileSync(A.key))));
      const direct = await runvm([], { NOTOS_TRUST: A.certificate });
      expect(direct.ran, direct.stderr).toBe(true);
      const disk = await runvm(["--disk", "--uefi"], { NOTOS_TRUST: A.certificate });
      expect(disk.ran).toBe(false);
      expect(disk.stderr).toMatch(/SHA256SUMS does not cover disk\.img, which this boot reads/);
    } finally {
      writeFileSync(join(dist, MANIFEST_FILE), sums);
      writeFileSync(join(dist, SIGNATURE_FILE), sig);
    }
  });

  it("boots the real kernel of a verified dist/", async () => {
    const child = spawn(join(dist, "runvm"), [], { env: { ...process.env, NOTOS_ACCEL: "tcg", NOTOS_TRUST: A.certificate, NOTOS_SIGNING_KEYS: join(work, "none") }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    try {
      // The kernel is quiet: stage 1 (from the verified initrd) is its first word.
      const text = await waitForText(child, /notos stage 1: started/, 120_000);
      expect(text).toMatch(/dist\/ verified/);
    } finally {
      killGroup(child);
    }
  }, 150_000);
});

describe("UEFI Secure Boot with A's keys enrolled", () => {
  it("refuses the unsigned UKI, B's, and A's with a byte flipped in .linux, .initrd or .cmdline; boots A's", async () => {
    const good = readFileSync(join(build.dist, "BOOTX64.EFI"));
    const flip = (section: string) => {
      const s = readPe(good).sections.find((x) => x.name === section)!;
      const copy = Buffer.from(good);
      const at = s.rawOffset + Math.floor(Math.min(s.rawSize, s.virtualSize) / 2);
      copy[at] = copy[at]! ^ 0x01;
      return copy;
    };
    const candidates: [string, Uint8Array][] = [
      ["unsigned", readFileSync(uki())],
      ["signed by B", signPe(readFileSync(uki()), { key: createPrivateKey(readFileSync(B.key)), certificate: B.der })],
      [".linux flipped", flip(".linux")],
      [".initrd flipped", flip(".initrd")],
      [".cmdline flipped", flip(".cmdline")],
      // The build's UKI with the command line's "quiet" blanked out (same length) and signed with A as
      // the build signs, so the kernel says what it sees; it is the build's BOOTX64.EFI otherwise (the
      // deterministic-signing test above shows the build's file is exactly signPe(disk-uki's, A)).
      ["good, verbose", signPe(verbose(readFileSync(uki())), { key: createPrivateKey(readFileSync(A.key)), certificate: A.der })],
    ];
    const vars = join(work, "OVMF_VARS.fd");
    writeFileSync(vars, secureBootVarStore(A.der));
    const drives = candidates.flatMap(([name, efi], i) => {
      const esp = join(work, `esp-${i}`, "EFI", "BOOT");
      mkdirSync(esp, { recursive: true });
      writeFileSync(join(esp, "BOOTX64.EFI"), efi);
      void name;
      return ["-drive", `if=none,id=d${i},format=raw,readonly=on,file=fat:${join(work, `esp-${i}`)}`, "-device", `virtio-blk-pci,drive=d${i},addr=0x${(0x10 + i).toString(16)},bootindex=${i + 1}`];
    });
    const child = spawn("qemu-system-x86_64", [...secureBootArgs({ vars }), "-accel", "tcg", "-m", "1024", "-nic", "none", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot", ...drives], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let text: string;
    try {
      text = await waitForText(child, /notos stage 1: started|Kernel panic/, 240_000);
    } finally {
      killGroup(child);
    }
    // The firmware started the good UKI; its kernel saw Secure Boot on and ran its initrd's stage 1.
    expect(text).toMatch(/EFI stub: UEFI Secure Boot is enabled/);
    expect(text).toMatch(/secureboot: Secure boot enabled/);
    expect(text).toMatch(/notos stage 1: started/);
    expect(text).toMatch(new RegExp(`starting Boot\\d+ .*Pci\\(0x${(0x10 + candidates.length - 1).toString(16)},0x0\\)`, "i"));
    // Every bad candidate was denied, by its PCI slot; the good one was not.
    for (let i = 0; i < candidates.length - 1; i++) {
      expect(text, candidates[i]![0]).toMatch(new RegExp(`failed to load Boot\\d+ .*Pci\\(0x${(0x10 + i).toString(16).toUpperCase()},0x0\\).*: Access Denied`, "i"));
    }
    expect(text).not.toMatch(new RegExp(`Pci\\(0x${(0x10 + candidates.length - 1).toString(16)},0x0\\).*Access Denied`, "i"));
  }, 300_000);
});

describe("runvm --disk --uefi: the disk image under Secure Boot", () => {
  let dist: string;

  beforeAll(() => {
    dist = join(work, "dist-uefi");
    cpSync(build.dist, dist, { recursive: true });
  });

  it("boots the signed disk.img with the firmware enforcing Secure Boot with A's keys", async () => {
    const socket = join(work, "shell.sock");
    const child = spawn(join(dist, "runvm"), ["--disk", "--uefi", "-device", "virtio-serial-pci", "-chardev", `socket,id=shell,path=${socket},server=on,wait=off`, "-device", "virtconsole,chardev=shell"], {
      env: { ...process.env, NOTOS_ACCEL: "tcg", NOTOS_TRUST: A.certificate, NOTOS_SIGNING_KEYS: join(work, "none") },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    try {
      const text = await waitForText(child, /enter stage: \/etc\/runit\/2/, 240_000);
      expect(text).toMatch(/runvm: dist\/ verified/);
      expect(text).toMatch(/runvm: UEFI Secure Boot: .*OVMF_CODE_4M\.secboot\.fd with the keys of .*OVMF_VARS\.fd/);
      expect(text).toMatch(/BdsDxe: starting Boot\d+ "UEFI Misc Device"/);
      // The kernel read the firmware's SecureBoot variable at boot: enabled, and it locked itself down for it.
      const [log, root] = await guestShell(socket, ["dmesg | grep -i 'secure boot'", "grep -o 'notos.verity=[^ ]*' /proc/cmdline; ls /sys/block/dm-0/slaves; cat /sys/block/dm-0/dm/name"]);
      expect(log).toMatch(/secureboot: Secure boot enabled/);
      expect(log).toMatch(/Kernel is locked down from EFI Secure Boot/);
      // signModule turns rootfs.verity on: the signed UKI's command line has the root hash, and the root is read through dm-verity over the root partition.
      expect(root).toMatch(/notos\.verity=\d+,\d+,[0-9a-f]{64},[0-9a-f]{64}\s+vda2\s+notos-root/);
    } finally {
      killGroup(child);
    }
  }, 300_000);

  it("refuses an image whose UKI is unsigned, or has one byte changed: runvm before QEMU, the firmware with --insecure", async () => {
    const unsigned = await buildSigned(join(work, "none"));
    const espAt = espOffset(build);
    const image = readFileSync(join(build.dist, "disk.img"));
    const signedUki = readFileSync(join(build.dist, "BOOTX64.EFI"));
    const at = image.indexOf(signedUki.subarray(0, 4096), espAt);
    expect(image.subarray(at, at + signedUki.length).equals(signedUki)).toBe(true);
    const linux = readPe(signedUki).sections.find((x) => x.name === ".linux")!;
    const flipped = Buffer.from(image);
    const byte = at + linux.rawOffset + Math.floor(linux.rawSize / 2);
    flipped[byte] = flipped[byte]! ^ 0x01;
    const flippedFile = join(work, "flipped.img");
    writeFileSync(flippedFile, flipped);
    // The unsigned build's image boots first (runvm's disk), the flipped one second.
    copyFileSync(join(unsigned.dist, "disk.img"), join(dist, "disk.img"));
    const checked = await execa(join(dist, "runvm"), ["--disk", "--uefi"], { reject: false, env: { NOTOS_QEMU: "false", NOTOS_ACCEL: "tcg", NOTOS_TRUST: A.certificate } });
    expect(checked.exitCode).toBe(1);
    expect(checked.stderr).toContain("disk.img differs from the signed SHA256SUMS");
    const child = spawn(join(dist, "runvm"), ["--insecure", "--disk", "--uefi", "-drive", `file=${flippedFile},if=none,id=flipped,format=raw,readonly=on`, "-device", "virtio-blk-pci,drive=flipped,addr=0x10"], {
      env: { ...process.env, NOTOS_ACCEL: "tcg", NOTOS_SIGNING_KEYS: join(work, "none") },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let text: string;
    try {
      text = await waitForText(child, /Access Denied[^]*Access Denied/, 240_000);
    } finally {
      killGroup(child);
    }
    expect(text).toMatch(/runvm: UEFI Secure Boot/);
    // Both disks were denied: the unsigned UKI of runvm's disk, and the flipped one in slot 0x10.
    expect(text).toMatch(/failed to load Boot\d+ "UEFI Misc Device" from [^\n]*Pci\(0x4,0x0\): Access Denied/);
    expect(text).toMatch(/failed to load Boot\d+ .*Pci\(0x10,0x0\): Access Denied/i);
    expect(text).not.toMatch(/notos stage 1|Linux version/);
  }, 300_000);
});

/** Where disk.img's ESP starts, from the GPT disk-image wrote. */
function espOffset(b: SignedBuild): number {
  const layout = (b.built.artifacts.get("disk-image") as DiskImageArtifact).layout!;
  return layout.partitions[0]!.firstLba * 512;
}

/** \\EFI\\BOOT\\BOOTX64.EFI of a build's disk.img, as mtools reads it. */
function espUki(b: SignedBuild): Buffer {
  const out = join(work, `esp-uki-${Date.now()}.efi`);
  execFileSync("mcopy", ["-n", "-i", `${join(b.dist, "disk.img")}@@${espOffset(b)}`, "::/EFI/BOOT/BOOTX64.EFI", out]);
  return readFileSync(out);
}

/** Run each command in the test shell on hvc0 (testInstrumentation) and give back each one's output. */
async function guestShell(socket: string, commands: string[]): Promise<string[]> {
  const { createConnection } = await import("node:net");
  const conn = createConnection(socket);
  let text = "";
  conn.on("data", (d) => (text += d.toString("latin1")));
  await new Promise<void>((resolve, reject) => conn.once("connect", () => resolve()).once("error", reject));
  const outs: string[] = [];
  try {
    for (const [i, command] of commands.entries()) {
      // The marks are put together by the shell, so a command line echoed back does not hold them.
      const [open, close] = [`@@start-${i}@@`, `@@done-${i}@@`];
      conn.write(`echo "@@start"-${i}@@; ${command} 2>&1; echo "@@done"-${i}@@\n`);
      const deadline = Date.now() + 60_000;
      while (!text.includes(close, text.indexOf(open))) {
        if (Date.now() > deadline) throw new Error(`the test shell did not answer ${JSON.stringify(command)}; it said: ${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const from = text.indexOf(open) + open.length;
      outs.push(text.slice(from, text.indexOf(close, from)));
    }
  } finally {
    conn.destroy();
  }
  return outs;
}

describe("the README", () => {
  it("signs an EFI program and writes a variable store with the reader's key, as written", async () => {
    const dir = join(work, "readme");
    mkdirSync(dir);
    copyFileSync(A.key, join(dir, "notos.key"));
    copyFileSync(A.certificate, join(dir, "notos.crt"));
    copyFileSync(uki(), join(dir, "unsigned.efi"));
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const out = await runExampleIn(dir, exampleUnder(readme, "## Secure Boot under QEMU, with your key"));
    expect((await execa("sbverify", ["--cert", A.certificate, join(dir, "signed.efi")], { reject: false })).exitCode).toBe(0);
    expect(readFileSync(join(dir, "signed.efi")).equals(readFileSync(join(build.dist, "BOOTX64.EFI")))).toBe(true);
    const pk = liveVariables(readVarStore(readFileSync(join(dir, "OVMF_VARS.fd")))).get(`${GUIDS.global}:PK`)!;
    expect(Buffer.from(readSignatureLists(pk.data)[0]!.data).equals(Buffer.from(A.der))).toBe(true);
    expect(out.qemuArgs).toContain("q35,smm=on");
  });
});

/** A UKI with "quiet" in its .cmdline section replaced by spaces (no other byte changes). */
function verbose(efi: Buffer): Buffer {
  const s = readPe(efi).sections.find((x) => x.name === ".cmdline")!;
  const out = Buffer.from(efi);
  const cmdline = out.subarray(s.rawOffset, s.rawOffset + s.virtualSize);
  const at = cmdline.indexOf("quiet");
  if (at >= 0) cmdline.write("     ", at, "latin1");
  return out;
}

/** Resolve with everything the child printed once `pattern` shows up; reject on exit or timeout. */
function waitForText(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; the console:\n${text.slice(-3000)}`)), timeoutMs);
    const on = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    };
    child.stdout!.on("data", on);
    child.stderr!.on("data", on);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!pattern.test(text)) reject(new Error(`exited (${code}) before ${pattern}; the console:\n${text.slice(-3000)}`));
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    /* already gone */
  }
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});
