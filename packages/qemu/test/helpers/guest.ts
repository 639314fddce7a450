// A tiny guest for the driver's tests: the real Debian kernel (through
// @notos/kernel's buildKernel) and a hand-made initrd of static busybox, the
// virtio modules and an /init that runs the testInstrumentation shell on
// hvc0, a web server on port 8080, and prints markers on ttyS0.
// busybox comes from the Debian archive exactly as the initrd builder gets
// it (locked, verified, extracted from the .deb), never from the host, so
// these tests need nothing installed beyond what scripts/setup.mjs installs.
// It is taken out of the .deb here rather than by @notos/initrd, whose boot
// tests drive Machine: a dependency back on it would make a cycle in turbo's
// build graph.
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { evalSystem, type BuildContext } from "@notos/core";
import { silentReporter } from "@notos/core/progress";
import { Store } from "@notos/core/store";
import { fetchPackages } from "@notos/debian";
import { readDebData } from "@notos/debian/deb";
import { buildKernel, kernelModule, type KernelArtifact } from "@notos/kernel";
import { TEST_SHELL_RUN, type DistFiles } from "../../src/index.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** Printed by /init once the modules are loaded and the shell loop runs. */
export const READY_MARKER = "NOTOS-TEST-GUEST-READY";
/** On the command line: /init powers off right after the ready marker. */
export const POWEROFF_FLAG = "notos.test.poweroff";
export const GUEST_HTTP_PORT = 8080;
export const GUEST_PAGE = "hello from the tiny guest\n";
export const COMMAND_LINE = "console=tty0 console=ttyS0 panic=-1";

// The kernel store is shared with @notos/kernel's tests: reruns are fast.
function kernelContext(): BuildContext {
  const dir = mkdtempSync(join(tmpdir(), "notos-qemu-test-"));
  return {
    config: evalSystem({ imports: [kernelModule], boot: { initrd: { kernelModules: ["virtio_pci", "virtio_console", "virtio_net"] } } }).config,
    store: new Store(join(tmpdir(), "notos-test-store")),
    lockFile: join(dir, "notos.lock.json"),
    reporter: silentReporter,
  };
}

const INIT = `#!/bin/sh
export PATH=/sbin:/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "notos-test: /init started"
while read -r m; do insmod "/lib/modules/$m" || echo "notos-test: insmod $m failed"; done < /etc/modules-load
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2
httpd -p ${GUEST_HTTP_PORT} -h /www
i=0; while [ ! -e /dev/hvc0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
# What runit does for the test-shell service: run it, and again when it dies.
( while :; do sh /etc/sv/test-shell/run; sleep 1; done ) &
# busybox's poweroff asks PID 1 by SIGUSR2; this PID 1 answers by powering off.
trap 'sync; poweroff -f' USR2
echo "${READY_MARKER}"
case " $(cat /proc/cmdline) " in *" ${POWEROFF_FLAG} "*) sync; poweroff -f ;; esac
while :; do sleep 3600 & wait $!; done
`;

/**
 * The static busybox of the initrd package set. The lock is a copy of the
 * repository's, so the guest gets the very package the system's initrd
 * has; the copy keeps a test from ever rewriting the committed lock.
 */
async function debianBusybox(base: BuildContext): Promise<Uint8Array> {
  const lockFile = join(mkdtempSync(join(tmpdir(), "notos-qemu-busybox-")), "notos.lock.json");
  const repoLock = join(repoRoot, "notos.lock.json");
  if (existsSync(repoLock)) copyFileSync(repoLock, lockFile);
  const ctx = { ...base, lockFile };
  // The initrd builder's own set (same definition, so the same lock entry), named here: this package cannot depend on @notos/initrd.
  const set = { name: "initrd", roots: ["busybox-static"], dependencies: "none" as const };
  const packages = await fetchPackages(ctx, set);
  const pkg = packages[0];
  if (!pkg) throw new Error(`the initrd package set (${set.roots.join(" ")}) resolved to no packages`);
  for await (const entry of readDebData(pkg.file)) {
    if (entry.type === "file" && /^(\/usr)?\/s?bin\/busybox$/.test(entry.path) && entry.content) return entry.content;
  }
  throw new Error(`${pkg.name} has no busybox binary`);
}

let guest: Promise<{ files: DistFiles; kernel: KernelArtifact }> | undefined;

/** The tiny guest's files (built once per test file). */
export function tinyGuest(): Promise<{ files: DistFiles; kernel: KernelArtifact }> {
  guest ??= build();
  return guest;
}

async function build(): Promise<{ files: DistFiles; kernel: KernelArtifact }> {
  const ctx = kernelContext();
  const [kernel, busybox] = await Promise.all([buildKernel(ctx), debianBusybox(ctx)]);
  const dir = await mkdtemp(join(tmpdir(), "notos-qemu-guest-"));
  const root = join(dir, "root");
  for (const d of ["bin", "sbin", "proc", "sys", "dev", "tmp", "root", "www", "etc/sv/test-shell", "lib/modules"]) {
    await mkdir(join(root, d), { recursive: true });
  }
  await writeFile(join(root, "bin/busybox"), busybox, { mode: 0o755 });
  await symlink("busybox", join(root, "bin/sh"));
  const load: string[] = [];
  for (const m of kernel.modules) {
    const name = `${m.name}.ko`;
    await copyFile(join(kernel.modulesDir, m.file), join(root, "lib/modules", name));
    load.push(name);
  }
  await writeFile(join(root, "etc/modules-load"), load.join("\n") + "\n");
  await writeFile(join(root, "init"), INIT, { mode: 0o755 });
  await writeFile(join(root, "etc/sv/test-shell/run"), `#!/bin/sh\n${TEST_SHELL_RUN}\n`, { mode: 0o755 });
  await writeFile(join(root, "www/index.html"), GUEST_PAGE);
  const initrd = join(dir, "initrd");
  await execa("sh", ["-c", `cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet > "$2"`, "sh", root, initrd]);
  // The tiny guest never mounts a root; the disk only has to exist.
  const rootfs = join(dir, "root.img");
  await writeFile(rootfs, Buffer.alloc(64 * 1024));
  const commandLine = join(dir, "command-line");
  await writeFile(commandLine, `${COMMAND_LINE}\n`);
  return { files: { kernel: kernel.image, initrd, rootfs, commandLine }, kernel };
}

/** A copy of the guest's files with another command line. */
export async function withCommandLine(files: DistFiles, text: string): Promise<DistFiles> {
  const dir = await mkdtemp(join(tmpdir(), "notos-qemu-cmdline-"));
  const commandLine = join(dir, "command-line");
  await writeFile(commandLine, `${text}\n`);
  return { ...files, commandLine };
}
