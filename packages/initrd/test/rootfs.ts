// A tiny squashfs root for boot tests: a static busybox and a stage-2
// script that proves where it runs, then powers off.
import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";

export const STAGE2_MARKER = "NOTOS-TEST-STAGE-2";

export async function makeTestRoot(busybox: Uint8Array, stage2Init: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "notos-test-root-"));
  const tree = join(dir, "tree");
  await mkdir(join(tree, "bin"), { recursive: true });
  for (const d of ["dev", "proc", "sys"]) await mkdir(join(tree, d));
  await writeFile(join(tree, "bin/busybox"), busybox);
  await chmod(join(tree, "bin/busybox"), 0o755);
  const script = [
    "#!/bin/busybox sh",
    "bb=/bin/busybox",
    "# Keep kernel messages from splitting the marker lines on the console.",
    "echo 1 > /proc/sys/kernel/printk",
    `echo "${STAGE2_MARKER} pid=$$ uptime=$($bb cut -d ' ' -f 1 /proc/uptime)"`,
    `echo written > /written && echo "${STAGE2_MARKER} root writable: $($bb cat /written)"`,
    `echo "${STAGE2_MARKER} modules: $($bb cut -d ' ' -f 1 /proc/modules | $bb sort | $bb tr '\\n' ' ')"`,
    `echo "${STAGE2_MARKER} mounts: $($bb cut -d ' ' -f 2,3 /proc/mounts | $bb tr '\\n' ',')"`,
    `[ -e /etc/notos-test-layer ] && echo "${STAGE2_MARKER} layer: $($bb cat /etc/notos-test-layer) $($bb stat -c '%a %u:%g' /etc/notos-test-layer)"`,
    `[ -x /usr/lib/notos/busybox ] && echo "${STAGE2_MARKER} boot shell: $(/usr/lib/notos/busybox sh -c 'echo runs')"`,
    "$bb poweroff -f",
    "",
  ].join("\n");
  const init = join(tree, stage2Init);
  await mkdir(dirname(init), { recursive: true });
  await writeFile(init, script);
  await chmod(init, 0o755);
  const image = join(dir, "root.squashfs");
  await execa("mksquashfs", [tree, image, "-noappend", "-all-root", "-quiet", "-no-progress"]);
  return image;
}
