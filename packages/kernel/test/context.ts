// A build context for tests that build from the real Debian archive: a
// store shared between runs under the system temp directory (reruns are
// fast) and a fresh lock file per run.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, silentReporter, systemSchema, type BuildContext, type SystemOptions } from "@notos/core";

export const testStoreDir = join(tmpdir(), "notos-test-store");

export function testContext(options: SystemOptions = {}): BuildContext {
  const dir = mkdtempSync(join(tmpdir(), "notos-kernel-test-"));
  return { config: systemSchema.parse(options), store: new Store(testStoreDir), lockFile: join(dir, "notos.lock.json"), reporter: silentReporter };
}

/** The modules the boot tests use (boot-facts: virtio, squashfs, overlay as modules). */
export const bootModules = {
  initrd: ["virtio_pci", "virtio_blk", "virtio_console", "squashfs", "overlay"],
  late: ["virtio_rng", "loop"],
};
