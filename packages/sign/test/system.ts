// The disk system with signModule, built for tests by the same builders
// and store `npm run dist` uses, signed with the keys in `keys` (a
// directory of the test's own, never the user's). The root carries the same
// test key as @notos/disk's tests, so the kernel, initrd, root and UKI are
// store hits when those ran first; only the signing builders and runvm are
// built into dist/, with disk.img (raw only: the ESP and the image are
// this build's own, as they carry the signed UKI).
import { mkdtempSync, readFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assembleDist, buildSystem, type BuiltSystem } from "@notos/cli";
import { createReporter, defineSystem, systemOf, type Module } from "@notos/core";
import type { ProgressEvent } from "@notos/core/progress";
import { testInstrumentation } from "@notos/qemu";
import "@notos/modules";
import { signModule } from "../src/index.js";
import { testKey } from "../../../test-support/test-key.js";

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

export interface SignedBuild {
  dir: string;
  dist: string;
  built: BuiltSystem;
  events: ProgressEvent[];
}

/** Build sign-dist (with disk.img), sign-uki, sign-ovmf-vars and runvm of the disk system with NOTOS_SIGNING_KEYS=`keys` into a temporary dist/. */
export async function buildSigned(keys: string): Promise<SignedBuild> {
  const dir = mkdtempSync(join(tmpdir(), "notos-sign-"));
  const publicKey = readFileSync(`${testKey()}.pub`, "utf8").trim();
  const lockFile = join(dir, "notos.lock.json");
  copyFileSync(join(repoRoot, "systems", "disk", "notos.lock.json"), lockFile);
  const diskSystem = ((await import(join(repoRoot, "systems", "disk", "notos.config.ts"))) as { default: Module }).default;
  const system = systemOf(defineSystem({ imports: [diskSystem, testInstrumentation, signModule], users: { root: { authorizedKeys: [publicKey] } }, disk: { formats: ["raw"] } }), {
    file: join(repoRoot, "systems", "disk", "notos.config.ts"),
    lockFile,
    storeDir: resolve(repoRoot, process.env.NOTOS_STORE || join(".notos", "store")),
  });
  const events: ProgressEvent[] = [];
  const saved = process.env.NOTOS_SIGNING_KEYS;
  process.env.NOTOS_SIGNING_KEYS = keys;
  try {
    const built = await buildSystem({ ...system, dir }, { reporter: createReporter({ level: "warn", sink: (e) => events.push(e) }), only: ["sign-dist", "sign-uki", "sign-ovmf-vars", "disk-image", "runvm"] });
    const dist = join(dir, "dist");
    await assembleDist(dist, built, system.config);
    return { dir, dist, built, events };
  } finally {
    if (saved === undefined) delete process.env.NOTOS_SIGNING_KEYS;
    else process.env.NOTOS_SIGNING_KEYS = saved;
  }
}
