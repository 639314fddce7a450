// Build contexts for tests that build from the real Debian archive: a store
// shared between runs under the system temp directory (reruns are fast), or
// a fresh one; a fresh lock file per context. `realiseOptions` turns one
// into what the builder runner takes, with the archive as the package source.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, silentReporter, systemSchema, type BuildContext, type RealiseOptions, type SystemOptions } from "@notos/core";
import { debianPackageSource } from "@notos/debian";

export const sharedStoreDir = join(tmpdir(), "notos-test-store");

export function testContext(options: SystemOptions = {}, store: "shared" | "fresh" = "shared"): BuildContext {
  const dir = mkdtempSync(join(tmpdir(), "notos-initrd-test-"));
  return {
    config: systemSchema.parse(options),
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
} satisfies SystemOptions;
