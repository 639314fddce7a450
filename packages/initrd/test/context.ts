// Build contexts for tests that build from the real Debian archive: a store
// shared between runs under the system temp directory (reruns are fast), or
// a fresh one; a fresh lock file per context. `realiseOptions` turns one
// into what the builder runner takes, with the archive as the package source.
// Configurations are evaluated with initrdModule (which brings the kernel's
// and debian's) and nothing else, so a test passes only if those packages
// declare every option the builders read.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evalSystem, type BuildContext, type RealiseOptions, type SystemConfig, type SystemOptions } from "@notos/core";
import { Store } from "@notos/core/store";
import { silentReporter } from "@notos/core/progress";
import { debianPackageSource } from "@notos/debian";
import { initrdModule } from "../src/index.js";

export const sharedStoreDir = join(tmpdir(), "notos-test-store");

/**
 * `SystemOptions` with every namespace's keys optional: core types a
 * declared option as a required key there, though its value may be left
 * out. Records and lists stay as they are.
 */
type Optional<T> = T extends readonly unknown[] ? T : T extends object ? (string extends keyof T ? T : { [K in keyof T]?: Optional<T[K]> }) : T;

/** What a test writes: a system's options, any of them left out. */
export type TestOptions = Optional<SystemOptions>;

/** The configuration of a system of initrdModule and `options`. */
export function testConfig(options: TestOptions = {}): SystemConfig {
  return evalSystem({ imports: [initrdModule], ...options }).config;
}

export function testContext(options: TestOptions = {}, store: "shared" | "fresh" = "shared"): BuildContext {
  const dir = mkdtempSync(join(tmpdir(), "notos-initrd-test-"));
  return {
    config: testConfig(options),
    store: new Store(store === "shared" ? sharedStoreDir : join(dir, "store")),
    lockFile: join(dir, "notos.lock.json"),
    reporter: silentReporter,
  };
}

export function realiseOptions(ctx: BuildContext): RealiseOptions {
  return {
    config: ctx.config,
    store: ctx.store,
    reporter: ctx.reporter,
    packages: debianPackageSource({ debian: ctx.config.debian, lockFile: ctx.lockFile, reporter: ctx.reporter }),
  };
}

/** A boot configuration like the real system's (boot-facts: virtio, squashfs and overlay are modules). */
export const bootOptions = {
  boot: {
    kernelParams: ["console=ttyS0"],
    kernelModules: ["virtio_rng", "loop"],
    initrd: { kernelModules: ["virtio_pci", "virtio_blk", "virtio_console", "squashfs", "overlay"], rootWaitSeconds: 5 },
  },
} satisfies TestOptions;
