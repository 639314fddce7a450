// A build context for tests that build from the real Debian archive: a
// store shared between runs under the system temp directory (reruns are
// fast) and a fresh lock file per run. `realiseOptions` turns one into what
// the builder runner takes, with the archive as the package source.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, silentReporter, systemSchema, type BuildContext, type RealiseOptions, type SystemOptions } from "@notos/core";
import { debianPackageSource } from "@notos/debian";

export const testStoreDir = join(tmpdir(), "notos-test-store");

export function testContext(options: SystemOptions = {}): BuildContext {
  const dir = mkdtempSync(join(tmpdir(), "notos-kernel-test-"));
  return { config: systemSchema.parse(options), store: new Store(testStoreDir), lockFile: join(dir, "notos.lock.json"), reporter: silentReporter };
}

export function realiseOptions(ctx: BuildContext): RealiseOptions {
  return {
    config: ctx.config,
    store: ctx.store,
    reporter: ctx.reporter,
    packages: debianPackageSource({ debian: ctx.config.debian, lockFile: ctx.lockFile, reporter: ctx.reporter }),
  };
}

/** The modules the boot tests use (boot-facts: virtio, squashfs, overlay as modules). */
export const bootModules = {
  initrd: ["virtio_pci", "virtio_blk", "virtio_console", "squashfs", "overlay"],
  late: ["virtio_rng", "loop"],
};
