#!/usr/bin/env node
// The disk images' bench, beside `npm run bench`: image sizes, the build
// time of each form, and the boot time of each form against the direct
// kernel boot of the same system, under TCG.
//   npx turbo run build && npx jiti bench/src/disk.ts [--runs N]
// Builds systems/disk in-process (the repository's store, a root key made
// here, the test shell), then:
//   sizes   disk.img (apparent and allocated: it is sparse), disk.qcow2,
//           disk.iso, the ESP and the UKI, beside root.squashfs
//   build   each disk builder run again from the built kernel, initrd and
//           root (no store): the UKI, the ESP, disk.img, disk.img + qcow2,
//           the ISO
//   boot    QEMU start → runit stage 2 on the console, → nginx answering,
//           → `ssh … true`, for: direct, disk.img under UEFI and BIOS,
//           disk.iso under BIOS and UEFI
// Writes bench/results/disk.{json,md}; exits 1 when a case fails, never
// because of a timing.
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { createJiti } from "jiti";
import { assembleDist, buildSystem } from "@notos/cli";
import type { Artifact, Builder, Module } from "@notos/core";
import { optionSlice } from "@notos/core/graph";
import { silentReporter } from "@notos/core/progress";
import { debianPackageSource } from "@notos/debian";
import { diskImage, esp, iso, uki, type UkiArtifact } from "@notos/disk";
import { Machine, type BootMedia } from "@notos/qemu";
import { benchDir, repoRoot, scratchDir } from "./repo.js";
import { bytes, seconds, summarize, type Summary } from "./stats.js";
import { benchReporter, benchSystem, bootExtras, makeKey } from "./system.js";

const FORMS: { name: string; media?: (dist: string) => BootMedia }[] = [
  { name: "direct (kernel + initrd)" },
  { name: "disk.img, UEFI", media: (d) => ({ file: join(d, "disk.img"), firmware: "uefi" }) },
  { name: "disk.img, BIOS", media: (d) => ({ file: join(d, "disk.img"), firmware: "bios" }) },
  { name: "disk.iso, BIOS", media: (d) => ({ file: join(d, "disk.iso"), firmware: "bios" }) },
  { name: "disk.iso, UEFI", media: (d) => ({ file: join(d, "disk.iso"), firmware: "uefi" }) },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "2" } } });
  const runs = Number(values.runs);
  const log = (line: string) => process.stdout.write(`bench disk: ${line}\n`);
  const dir = await scratchDir("disk");
  // The systems, dist and images are a gigabyte: they go when the run ends, as the other cases' do.
  try {
    const { key, publicKey } = makeKey(dir);
    const jiti = createJiti(import.meta.url, { moduleCache: false });
    const diskSystem = (await jiti.import(join(repoRoot, "systems", "disk", "notos.config.ts"), { default: true })) as Module;
    const system = benchSystem(dir, [diskSystem, ...bootExtras(publicKey)]);
    log("building systems/disk");
    const built = await buildSystem(system, { reporter: benchReporter() });
    const dist = join(dir, "dist");
    await assembleDist(dist, built, system.config);
    const a = (name: string) => built.artifacts.get(name)!;

    // Sizes.
    const size = (file: string) => ({ bytes: statSync(file).size, allocated: statSync(file).blocks * 512 });
    const sizes: Record<string, { bytes: number; allocated: number }> = {
      "root.squashfs": size(join(dist, "root.squashfs")),
      "BOOTX64.EFI (UKI)": size((a("disk-uki") as UkiArtifact).efi),
      "esp.img": size((a("disk-esp") as Artifact & { image: string }).image),
      "disk.img": size(join(dist, "disk.img")),
      "disk.qcow2": size(join(dist, "disk.qcow2")),
      "disk.iso": size(join(dist, "disk.iso")),
    };

    // Build time of each form: the builders again, from the same inputs, outside the store.
    const config = system.config as typeof system.config & { debian: Parameters<typeof debianPackageSource>[0]["debian"] };
    const source = debianPackageSource({ debian: config.debian, lockFile: system.lockFile, reporter: silentReporter });
    const timeBuild = async (b: Builder, inputs: Record<string, Artifact>, options: unknown = optionSlice(config, b.reads)): Promise<{ seconds: number; artifact: Artifact }> => {
      const out = await mkdtemp(join(dir, `${b.name}-`));
      const sets = b.packageSets(options);
      const t0 = performance.now();
      const meta = await b.build({ options, inputs, out, reporter: silentReporter, packages: (n) => source.fetch(sets.find((s) => s.name === n)!), sourceDateEpoch: built.epoch, definitions: new Map() });
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, artifact: await b.artifact({ builder: b.name, path: out, digest: "", cached: false, meta }, { options, inputs }) };
    };
    const builds: Record<string, number[]> = { "disk-uki (UKI)": [], "disk-esp (FAT, syslinux)": [], "disk-image: disk.img": [], "disk-image: disk.img + disk.qcow2": [], "disk-iso: disk.iso": [] };
    const base = { kernel: a("kernel"), initrd: a("initrd"), commandLine: a("command-line"), rootfs: a("rootfs") };
    for (let i = 0; i < runs; i++) {
      const u = await timeBuild(uki, base);
      const e = await timeBuild(esp, { uki: u.artifact, kernel: base.kernel, initrd: base.initrd });
      const raw = await timeBuild(diskImage, { esp: e.artifact, uki: u.artifact, rootfs: base.rootfs }, { disk: { ...config.disk, formats: ["raw"] } });
      const both = await timeBuild(diskImage, { esp: e.artifact, uki: u.artifact, rootfs: base.rootfs }, { disk: { ...config.disk, formats: ["raw", "qcow2"] } });
      const i9 = await timeBuild(iso, { uki: u.artifact, kernel: base.kernel, initrd: base.initrd, rootfs: base.rootfs });
      for (const [k, v] of Object.entries({ "disk-uki (UKI)": u, "disk-esp (FAT, syslinux)": e, "disk-image: disk.img": raw, "disk-image: disk.img + disk.qcow2": both, "disk-iso: disk.iso": i9 })) builds[k]!.push(v.seconds);
      log(`build run ${i + 1}: ${Object.entries(builds).map(([k, v]) => `${k} ${seconds(v.at(-1)!)}`).join(", ")}`);
    }

    // Boot time of each form.
    const boots: Record<string, { stage2: number[]; http: number[]; ssh: number[] }> = {};
    for (const form of FORMS) {
      boots[form.name] = { stage2: [], http: [], ssh: [] };
      for (let i = 0; i < runs; i++) {
        const media = form.media?.(dist);
        const machine = new Machine({ dist, config: system.config, accel: "tcg", ...(media ? { media } : {}) });
        try {
          await machine.start();
          const t0 = machine.console.startedAt;
          const at = () => (Date.now() - t0) / 1000;
          await machine.waitForConsole(/enter stage: \/etc\/runit\/2/, 300_000);
          const stage2 = at();
          await until(async () => (await execa("curl", ["-sf", "--max-time", "5", `http://127.0.0.1:${machine.forwardedPort(80)}/`], { reject: false })).exitCode === 0, 180_000);
          const http = at();
          await until(async () => (await machine.ssh("true", { key, timeoutMs: 20_000 })).status === 0, 180_000);
          const ssh = at();
          boots[form.name]!.stage2.push(stage2);
          boots[form.name]!.http.push(http);
          boots[form.name]!.ssh.push(ssh);
          log(`${form.name} run ${i + 1}: stage 2 ${seconds(stage2)}, http ${seconds(http)}, ssh ${seconds(ssh)}`);
        } finally {
          machine.kill();
          await machine.waitForExit(30_000).catch(() => undefined);
        }
      }
    }

    const summary = (xs: number[]): Summary => summarize(xs);
    const direct = boots[FORMS[0]!.name]!;
    const md = [
      `# disk images: sizes, build and boot times (${runs} run${runs === 1 ? "" : "s"}, TCG)`,
      "",
      "| file | bytes | allocated |",
      "| --- | --- | --- |",
      ...Object.entries(sizes).map(([k, v]) => `| ${k} | ${bytes(v.bytes)} | ${bytes(v.allocated)} |`),
      "",
      "| build | min | median | max |",
      "| --- | --- | --- | --- |",
      ...Object.entries(builds).map(([k, v]) => {
        const s = summary(v);
        return `| ${k} | ${seconds(s.min)} | ${seconds(s.median)} | ${seconds(s.max)} |`;
      }),
      "",
      "| boot (median, from QEMU start) | runit stage 2 | http | ssh | ssh vs direct |",
      "| --- | --- | --- | --- | --- |",
      ...Object.entries(boots).map(([k, v]) => {
        const m = (xs: number[]) => summary(xs).median;
        return `| ${k} | ${seconds(m(v.stage2))} | ${seconds(m(v.http))} | ${seconds(m(v.ssh))} | ${m(v.ssh) >= m(direct.ssh) ? "+" : "−"}${seconds(Math.abs(m(v.ssh) - m(direct.ssh)))} |`;
      }),
      "",
    ].join("\n");
    const results = join(benchDir, "results");
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, "disk.json"), JSON.stringify({ date: new Date().toISOString(), runs, sizes, builds, boots }, null, 1) + "\n");
    writeFileSync(join(results, "disk.md"), md);
    process.stdout.write(`\n${md}`);
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench disk: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
