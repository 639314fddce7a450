// Reading an image back with the real tool: `unsquashfs -lln` lists every
// inode with numeric owners, as the kernel will see it.
import { execa } from "execa";

export interface Listed {
  perms: string;
  owner: string;
  size: string;
  path: string;
  target?: string;
}

export async function listImage(image: string): Promise<Map<string, Listed>> {
  const { stdout } = await execa("unsquashfs", ["-lln", "-d", "", image]);
  const result = new Map<string, Listed>();
  for (const line of stdout.split("\n")) {
    // drwxr-xr-x 0/0                 50 1970-01-01 00:00 /etc
    // crw-rw-rw- 0/0              1,  3 1970-01-01 00:00 /dev/null
    const m = /^(\S{10}) (\d+\/\d+)\s+(\d+|\d+,\s*\d+) (\d{4}-\d\d-\d\d \d\d:\d\d) (.*)$/.exec(line);
    if (!m) continue;
    const [, perms, owner, size, , rest] = m as unknown as [string, string, string, string, string, string];
    const arrow = perms.startsWith("l") ? rest.indexOf(" -> ") : -1;
    const path = arrow >= 0 ? rest.slice(0, arrow) : rest;
    result.set(path === "" ? "/" : path, { perms, owner, size: size.replace(/\s+/g, ""), path, ...(arrow >= 0 ? { target: rest.slice(arrow + 4) } : {}) });
  }
  return result;
}

/** "-rwsr-xr-x 0/0 /usr/bin/su" style summaries for compact assertions. */
export function describe(listed: Listed | undefined): string {
  if (!listed) return "missing";
  return `${listed.perms} ${listed.owner}${listed.target !== undefined ? ` -> ${listed.target}` : ""}`;
}

const TYPE_CHAR: Record<string, string> = { file: "-", hardlink: "-", dir: "d", symlink: "l", char: "c", block: "b", fifo: "p" };

/** `ls -l` permissions of a mode and type: "-rwsr-xr-x". */
export function perms(type: string, mode: number): string {
  const bit = (b: number, c: string) => (mode & b ? c : "-");
  const x = (b: number, s: number, lower: string, upper: string) => (mode & s ? (mode & b ? lower : upper) : bit(b, "x"));
  return (
    (TYPE_CHAR[type] ?? "?") +
    bit(0o400, "r") + bit(0o200, "w") + x(0o100, 0o4000, "s", "S") +
    bit(0o040, "r") + bit(0o020, "w") + x(0o010, 0o2000, "s", "S") +
    bit(0o004, "r") + bit(0o002, "w") + x(0o001, 0o1000, "t", "T")
  );
}

/**
 * The root as stage 1 mounts it: the image's listing with the initrd's
 * layer archive (gzip newc, entries below /root-layers) on top, as the
 * overlay shows it.
 */
export async function listRoot(image: string, archive: string): Promise<Map<string, Listed>> {
  const { gunzipSync } = await import("node:zlib");
  const { readFile } = await import("node:fs/promises");
  const { readCpio } = await import("@notos/cpio");
  const result = await listImage(image);
  for (const e of await readCpio(gunzipSync(await readFile(archive)))) {
    if (!e.path.startsWith("/root-layers/")) continue;
    const path = e.path.slice("/root-layers".length);
    const size = e.type === "file" ? String(e.content.byteLength) : "0";
    result.set(path, { perms: perms(e.type, e.mode), owner: `${e.uid}/${e.gid}`, size, path, ...(e.type === "symlink" ? { target: e.target } : {}) });
  }
  return result;
}
