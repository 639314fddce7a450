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
