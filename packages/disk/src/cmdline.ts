// The images' kernel command line: the system's own (`command-line`), with
// the root named by partition instead of by device, since the disk may be
// vda, sda or nvme0n1 depending on the machine. Stage 1 resolves
// root=PARTUUID= and root=PARTLABEL= itself (devtmpfs has no by-partuuid
// links). Pure text functions.

/** The root= word: PARTUUID of the root partition, or its PARTLABEL. */
export function rootSpec(options: { rootBy: "partuuid" | "partlabel"; rootGuid: string; rootLabel: string }): string {
  return options.rootBy === "partuuid" ? `root=PARTUUID=${options.rootGuid}` : `root=PARTLABEL=${options.rootLabel}`;
}

/** `systemCommandLine` with its root= words replaced by `root` (first). */
export function imageCommandLine(systemCommandLine: string, root: string): string {
  const words = systemCommandLine.trim().split(/\s+/).filter((w) => w !== "" && !w.startsWith("root="));
  return [root, ...words].join(" ");
}

/** os-release for the image's .osrel section: what boot menus show. */
export function osRelease(system: { name: string; version: string }): string {
  const q = (s: string) => `"${s.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
  return `NAME=${q(system.name)}\nID=notos\nVERSION_ID=${q(system.version)}\nPRETTY_NAME=${q(`${system.name} ${system.version}`)}\n`;
}

/**
 * syslinux.cfg / isolinux.cfg: one entry, no menu, boots at once; the
 * loader talks on the first serial port too, where the kernel's console is.
 */
export function syslinuxConfig(options: { kernel: string; initrd: string; commandLine: string }): string {
  return ["SERIAL 0 115200", "DEFAULT notos", "PROMPT 0", "TIMEOUT 0", "LABEL notos", `  LINUX ${options.kernel}`, `  INITRD ${options.initrd}`, `  APPEND ${options.commandLine}`, ""].join("\n");
}
