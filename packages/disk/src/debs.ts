// Boot loader pieces come from the Debian archive through the builders'
// locked package sets (signed index, sha256 per .deb), not from the host:
// the EFI stub, isolinux, ldlinux.c32, gptmbr.bin. This reads the few files
// needed out of the fetched .debs, following symlinks inside the packages.
import { posix } from "node:path";
import type { FetchedDeb } from "@notos/core";
import { readDebData } from "@notos/debian/deb";
import { DiskError } from "./errors.js";

/** The contents of `paths` from the packages of a set. */
export async function filesFromDebs(debs: readonly FetchedDeb[], paths: readonly string[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const links = new Map<string, string>();
  for (const deb of debs) {
    for await (const e of readDebData(deb.file)) {
      if (e.type === "file") files.set(e.path, e.content);
      else if (e.type === "symlink") links.set(e.path, posix.resolve(posix.dirname(e.path), e.target));
      else if (e.type === "hardlink") links.set(e.path, e.target);
    }
  }
  const out = new Map<string, Uint8Array>();
  for (const wanted of paths) {
    let path = wanted;
    for (let hops = 0; hops < 8 && !files.has(path) && links.has(path); hops++) path = links.get(path)!;
    const content = files.get(path);
    if (!content) {
      throw new DiskError(`${wanted} is in none of the packages ${debs.map((d) => `${d.name} ${d.version}`).join(", ")}.`, {
        code: "DISK_PACKAGE_FILE",
        hint: "the package moved the file: this version of @notos/disk does not know the locked package; update @notos/disk or the lock",
      });
    }
    out.set(wanted, content);
  }
  return out;
}
