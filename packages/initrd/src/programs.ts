// Programs from Debian packages in the initrd, with their shared-library
// closure (`boot.initrd.programs`): stage 1 is busybox, but some jobs need
// a real program, such as dmsetup to open a dm-verity root. This file is the
// pure part: given the files of the fetched packages (the programs' packages
// and their Depends closure), it picks each program, its ELF interpreter
// (PT_INTERP) and every library named by DT_NEEDED, recursively, where the
// dynamic loader looks for them without an ld.so.cache. Each lands as a
// regular file (symlinks resolved), so the result has no link into a path
// the initrd does not hold. A library found in none of the packages is an
// error naming it and the program that needs it.
import { posix } from "node:path";
import { NotosError } from "@notos/core";
import { mergedUsrPath } from "@notos/debian/deb";
import { elfDependencies, isElf } from "@notos/core/elf";

/** One entry of `boot.initrd.programs`. */
export interface InitrdProgram {
  /** The Debian package that ships it. */
  package: string;
  /** Its path, as the package installs it (merged-/usr spellings match: /sbin/x is /usr/sbin/x). */
  path: string;
}

/** A file or symlink of one of the fetched packages. */
export interface PackageFile {
  package: string;
  path: string;
  type: "file" | "symlink";
  content?: Uint8Array;
  target?: string;
}

/** A file to put into the initrd. */
export interface ProgramFile {
  path: string;
  mode: number;
  content: Uint8Array;
  /** The package it comes from. */
  package: string;
}

/** Where the dynamic loader looks without /etc/ld.so.cache (Debian's multiarch x86-64 glibc), merged-/usr spellings. */
export const LIBRARY_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib"] as const;

/** Every program, its interpreter and its library closure as initrd files, sorted by path. */
export function programClosure(input: { programs: readonly InitrdProgram[]; files: Iterable<PackageFile> }): ProgramFile[] {
  const index = new Map<string, PackageFile>();
  for (const f of input.files) if (!index.has(mergedUsrPath(f.path))) index.set(mergedUsrPath(f.path), f);
  const packages = [...new Set([...index.values()].map((f) => f.package))].sort();

  /** The regular file a path leads to, following symlinks. */
  const resolve = (path: string): PackageFile | undefined => {
    let at = path;
    for (let hops = 0; hops < 40; hops++) {
      const f = index.get(mergedUsrPath(posix.normalize(at)));
      if (!f || f.type === "file") return f;
      at = f.target!.startsWith("/") ? f.target! : posix.join(posix.dirname(at), f.target!);
    }
    return undefined;
  };

  const out = new Map<string, ProgramFile>();
  const put = (path: string, file: PackageFile, mode: number) => {
    if (!out.has(path)) out.set(path, { path, mode, content: file.content!, package: file.package });
  };
  const scanned = new Set<string>();
  for (const program of input.programs) {
    const entry = index.get(mergedUsrPath(program.path));
    if (!entry || entry.package !== program.package) {
      throw new NotosError(`boot.initrd.programs: the package ${program.package} has no ${program.path}`, {
        code: "INITRD_PROGRAM",
        hint: `list its files (dpkg -L ${program.package}, or the package's page) and name one of its programs`,
      });
    }
    const file = resolve(program.path);
    if (!file) throw new NotosError(`boot.initrd.programs: ${program.path} of ${program.package} is a link to a file in none of the packages`, { code: "INITRD_PROGRAM" });
    put(program.path, file, 0o755);
    // Breadth first over the ELF files: each file's interpreter and libraries.
    const queue: { name: string; file: PackageFile }[] = [{ name: program.path, file }];
    while (queue.length) {
      const { name, file } = queue.shift()!;
      if (!isElf(file.content!)) {
        if (name === program.path) throw new NotosError(`boot.initrd.programs: ${program.path} of ${program.package} is not an ELF program`, { code: "INITRD_PROGRAM", hint: "only compiled programs get their libraries: a script needs its interpreter listed too" });
        continue;
      }
      const deps = elfDependencies(file.content!, `${name} (${file.package})`);
      const missing = (what: string) =>
        new NotosError(`boot.initrd.programs: ${what}, needed by ${name} for ${program.path}, is in none of the packages ${packages.join(", ")}`, {
          code: "INITRD_LIBRARY",
          hint: `the program's package and its Depends closure are searched (${LIBRARY_DIRS.join(", ")}); add the package that ships it as another entry's package, or pick a program whose package depends on it`,
        });
      if (deps.interpreter && !out.has(deps.interpreter)) {
        const interp = resolve(deps.interpreter);
        if (!interp) throw missing(`the interpreter ${deps.interpreter}`);
        put(deps.interpreter, interp, 0o755);
      }
      for (const soname of deps.needed) {
        const found = LIBRARY_DIRS.map((dir) => ({ path: `${dir}/${soname}`, file: resolve(`${dir}/${soname}`) })).find((c) => c.file);
        if (!found) throw missing(`the library ${soname}`);
        put(found.path, found.file!, 0o644);
        if (!scanned.has(found.path)) {
          scanned.add(found.path);
          queue.push({ name: found.path, file: found.file! });
        }
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
