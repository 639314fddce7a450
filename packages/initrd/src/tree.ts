// The initrd's file tree as data: /init, busybox and its applet links, the
// module closure with modules.dep, the device nodes the kernel needs before
// devtmpfs is mounted, and the directories stage 1 mounts on.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { TreeEntry } from "@notos/core/tree";
import type { KernelArtifact } from "@notos/kernel";

const encoder = new TextEncoder();
const dir = (path: string, mode = 0o755): TreeEntry => ({ path, type: "dir", mode, uid: 0, gid: 0 });

export interface InitrdTreeInputs {
  init: string;
  busybox: { binary: Uint8Array; applets: readonly string[] };
  /** Module files relative to the modules directory, and the depmod files. */
  modules: { version: string; files: { path: string; content: Uint8Array }[] };
  /** Programs and their libraries (`boot.initrd.programs`): a program takes the place of a busybox applet link of the same path. */
  programs?: readonly { path: string; mode: number; content: Uint8Array }[];
}

/** The initrd's entries (unsorted; the cpio writer orders them). */
export function initrdTree(inputs: InitrdTreeInputs): TreeEntry[] {
  const entries: TreeEntry[] = [
    { path: "/init", type: "file", mode: 0o755, uid: 0, gid: 0, content: encoder.encode(inputs.init) },
    { path: "/bin/busybox", type: "file", mode: 0o755, uid: 0, gid: 0, content: inputs.busybox.binary },
    // The kernel opens /dev/console for /init's stdio before anything is mounted.
    { path: "/dev/console", type: "char", mode: 0o600, uid: 0, gid: 0, major: 5, minor: 1 },
    { path: "/dev/null", type: "char", mode: 0o666, uid: 0, gid: 0, major: 1, minor: 3 },
    ...["/dev", "/proc", "/sys", "/run", "/mnt", "/lower", "/layers", "/upper", "/tmp", "/etc", "/lib/modules"].map((p) => dir(p)),
  ];
  const programs = new Set((inputs.programs ?? []).map((p) => p.path));
  for (const applet of inputs.busybox.applets) {
    if (applet === "bin/busybox" || programs.has(`/${applet}`)) continue;
    entries.push({ path: `/${applet}`, type: "symlink", mode: 0o777, uid: 0, gid: 0, target: "/bin/busybox" });
  }
  const base = `/lib/modules/${inputs.modules.version}`;
  for (const file of inputs.modules.files) entries.push({ path: `${base}/${file.path}`, type: "file", mode: 0o644, uid: 0, gid: 0, content: file.content });
  for (const p of inputs.programs ?? []) entries.push({ path: p.path, type: "file", mode: p.mode, uid: 0, gid: 0, content: p.content });
  return entries;
}

/** Every file of the kernel artifact's module subset (modules and depmod files), relative to its modules directory. */
export async function readModuleFiles(kernel: Pick<KernelArtifact, "modulesDir" | "version">): Promise<InitrdTreeInputs["modules"]> {
  const names = (await fs.readdir(kernel.modulesDir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(kernel.modulesDir.length + 1))
    .sort();
  return {
    version: kernel.version,
    files: await Promise.all(names.map(async (path) => ({ path, content: new Uint8Array(await fs.readFile(join(kernel.modulesDir, path))) }))),
  };
}
