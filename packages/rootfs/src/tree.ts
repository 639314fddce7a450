// The merged root as data: package entries (merged /usr, filtered, conflicts
// checked), then the skeleton, then the layers on top. Pure and in memory:
// no file-system writes, so ownership and modes need no privileges.
import { ancestors, type Layer, type TreeEntry } from "@notos/core/tree";
import { RootfsError } from "./errors.js";
import type { PathMatcher } from "./glob.js";
import { comparePaths, resolveTarget } from "./paths.js";
import { usrMergeEntry, type PathMapper } from "./usrmerge.js";

/** An entry of the root: where it came from and, when it replaced another origin's entry, whose. */
export type RootEntry = TreeEntry & { origin: string; overrides?: string };

export interface RootTreeOptions {
  /** Maps a package path onto merged /usr (`mergedUsrPath` of @notos/debian). */
  mapPath: PathMapper;
  /** Whether a package path is kept (`rootfs.exclude` / `rootfs.include`). Layers are never filtered. */
  keep: PathMatcher;
  /** Which package wins a path that several packages ship differently (`rootfs.conflicts`). */
  conflicts?: Readonly<Record<string, string>>;
}

export type OriginKind = "package" | "layer" | "skeleton";

/** What consumes one package's entries, in archive order. */
export interface PackageSink {
  add(entry: TreeEntry): void;
  /** Forget the package's own path index (hard-link resolution); call after the last entry. */
  done(): void;
}

export const SKELETON = "skeleton";

export class RootTree {
  readonly #entries = new Map<string, RootEntry>();
  /** Directories the filters left out; restored when a kept path lies below one (`/usr/share/doc/x/copyright`). */
  readonly #droppedDirs = new Map<string, RootEntry>();
  /** Non-directory package paths the filters left out: links into them are left out too. */
  readonly #droppedFiles = new Set<string>();
  /** Contested paths with a configured winner that has not been seen yet: path → winner. */
  readonly #pendingWinners = new Map<string, { winner: string; contenders: Set<string> }>();
  readonly #conflicts: Map<string, string>;
  readonly #kinds = new Map<string, OriginKind>();

  constructor(private readonly options: RootTreeOptions) {
    // A winner may be named by the path the package ships or by its merged-/usr path.
    this.#conflicts = new Map(Object.entries(options.conflicts ?? {}).map(([path, winner]) => [options.mapPath(path), winner]));
  }

  get(path: string): RootEntry | undefined {
    return this.#entries.get(path);
  }

  /** Names of the entries directly inside a directory, sorted. */
  names(dir: string): string[] {
    const prefix = dir === "/" ? "/" : `${dir}/`;
    const names: string[] = [];
    for (const path of this.#entries.keys()) {
      if (path.startsWith(prefix) && !path.includes("/", prefix.length)) names.push(path.slice(prefix.length));
    }
    return names.sort(comparePaths);
  }

  /** Origin names and what they are (package, layer, skeleton). */
  get origins(): ReadonlyMap<string, OriginKind> {
    return this.#kinds;
  }

  /** `select`: which of the package's non-directory paths stay (its `rootfs.packageFiles` selection), on top of the filters. */
  addPackage(name: string, select?: PathMatcher): PackageSink {
    this.#kinds.set(name, "package");
    // The package's own files by (merged) path, so that a hard link gets its
    // target's content even when the target is filtered out or later replaced.
    let files: Map<string, TreeEntry> | undefined = new Map();
    return {
      add: (raw) => {
        if (!files) throw new Error(`package ${name} is already finished`);
        if (raw.path === "/") return;
        let entry = usrMergeEntry(raw, this.options.mapPath);
        if (entry.type === "hardlink") {
          const target = files.get(entry.target ?? "");
          if (!target) {
            throw new RootfsError(`${name}: hard link ${entry.path} points to ${entry.target ?? "nothing"}, which the package does not ship before it`);
          }
          entry = materialise(entry, target);
        }
        if (entry.type === "file") files.set(entry.path, entry);
        this.#addPackageEntry(name, { ...entry, origin: name }, select);
      },
      done: () => {
        files = undefined;
      },
    };
  }

  #addPackageEntry(name: string, entry: RootEntry, select?: PathMatcher): void {
    if (!this.options.keep(entry.path) || (select !== undefined && entry.type !== "dir" && !select(entry.path))) {
      if (entry.type !== "dir") this.#droppedFiles.add(entry.path);
      else if (!this.#droppedDirs.has(entry.path)) this.#droppedDirs.set(entry.path, entry);
      return;
    }
    const existing = this.#entries.get(entry.path);
    if (!existing) {
      this.#entries.set(entry.path, entry);
      return;
    }
    // Directories are shared by many packages: the first one's metadata stays.
    if (existing.type === "dir" && entry.type === "dir") return;
    if (sameEntry(existing, entry)) return;
    const winner = this.#conflicts.get(entry.path);
    if (winner === name) {
      this.#entries.set(entry.path, { ...entry, overrides: existing.origin });
      this.#pendingWinners.delete(entry.path);
      return;
    }
    if (winner !== undefined) {
      if (existing.origin === winner) {
        this.#entries.set(entry.path, { ...existing, overrides: name });
      } else {
        const pending = this.#pendingWinners.get(entry.path) ?? { winner, contenders: new Set([existing.origin]) };
        pending.contenders.add(name);
        this.#pendingWinners.set(entry.path, pending);
      }
      return;
    }
    throw new RootfsError(
      `packages ${existing.origin} and ${name} both ship ${entry.path}, differently (${describeDifference(existing, entry)})`,
      { code: "ROOTFS_CONFLICT", hint: `choose the winner in the configuration: rootfs: { conflicts: { "${entry.path}": "${name}" } } (or "${existing.origin}")` },
    );
  }

  /**
   * Entries of a finished root taken back as they are (already merged onto
   * /usr, filtered and checked): the package image a layer goes on top of,
   * read from its manifest. Origins other than the skeleton count as packages.
   */
  seed(entries: Iterable<RootEntry>): void {
    for (const entry of entries) {
      this.#kinds.set(entry.origin, entry.origin === SKELETON ? "skeleton" : "package");
      this.#entries.set(entry.path, entry);
    }
  }

  /** Add an entry only when the path is free; an existing directory is kept as it is. */
  addDefault(entry: RootEntry): void {
    const existing = this.#entries.get(entry.path);
    if (!existing) {
      this.#kinds.set(entry.origin, this.#kinds.get(entry.origin) ?? "skeleton");
      this.#entries.set(entry.path, entry);
      return;
    }
    if (existing.type !== entry.type) {
      throw new RootfsError(`${entry.path} must be a ${entry.type} in a running system, but ${existing.origin} ships a ${existing.type} there`);
    }
  }

  /**
   * Put a link where a package may ship an empty directory: base-files ships
   * /var/run and /var/lock as directories and its postinst turns them into
   * links to /run. A directory with entries below it stays an error.
   */
  replaceEmptyDir(entry: RootEntry): void {
    const existing = this.#entries.get(entry.path);
    if (existing?.type === "dir" && this.names(entry.path).length === 0) {
      this.#kinds.set(entry.origin, this.#kinds.get(entry.origin) ?? "skeleton");
      this.#entries.set(entry.path, { ...entry, overrides: existing.origin });
      return;
    }
    if (existing?.type === "dir") {
      throw new RootfsError(`${entry.path} must be a link to ${entry.type === "symlink" ? entry.target : "?"}, but ${existing.origin} ships ${this.names(entry.path).map((n) => `${entry.path}/${n}`).join(", ")} below it`, {
        hint: `leave those paths out with rootfs.exclude ("${entry.path}/**")`,
      });
    }
    this.addDefault(entry);
  }

  /** A layer on top: it may replace anything; what it replaced is recorded in `overrides`. */
  addLayer(layer: Layer): void {
    // "layer:runit", so a layer never shares an origin with the package of the same name.
    const origin = `layer:${layer.name}`;
    this.#kinds.set(origin, "layer");
    for (const raw of layer.entries) {
      if (raw.path === "/") continue;
      let entry: TreeEntry = usrMergeEntry(raw, this.options.mapPath);
      if (entry.type === "file" && entry.content && looksLikePrivateKey(entry.content)) {
        throw new RootfsError(`layer ${layer.name} puts a private key at ${entry.path}`, {
          code: "ROOTFS_PRIVATE_KEY",
          hint: "keys must not be baked into an image that every machine shares; generate them at boot (runit stage 1)",
        });
      }
      if (entry.type === "hardlink") {
        const target = this.#entries.get(entry.target ?? "");
        if (target?.type !== "file") throw new RootfsError(`layer ${layer.name}: hard link ${entry.path} points to ${entry.target ?? "nothing"}, which is not a file in the root`);
        entry = materialise(entry, target);
      }
      const existing = this.#entries.get(entry.path);
      const next: RootEntry = { ...entry, origin };
      if (existing && !(existing.type === "dir" && entry.type === "dir" && sameEntry(existing, next))) {
        next.overrides = existing.origin;
      } else if (existing) {
        continue; // the same directory again: nothing to record
      }
      this.#entries.set(entry.path, next);
    }
  }

  /**
   * The finished root: sorted, every parent directory explicit (restored
   * from the package that shipped it, or 0755 root:root), and checked — no
   * path below a non-directory, no unresolved conflict, no host private key.
   */
  finish(): RootEntry[] {
    for (const [path, { winner, contenders }] of this.#pendingWinners) {
      const final = this.#entries.get(path);
      if (final?.origin !== winner) {
        throw new RootfsError(`rootfs.conflicts names ${winner} as the winner of ${path}, but ${winner} does not ship it (shipped by ${[...contenders].sort().join(", ")})`, {
          code: "ROOTFS_CONFLICT",
          hint: `name one of ${[...contenders].sort().join(", ")} in rootfs.conflicts["${path}"]`,
        });
      }
    }
    // A package link to a left-out file (runit's /etc/runit/README → its
    // README in /usr/share/doc) would dangle: leave the link out as well.
    for (const [path, entry] of this.#entries) {
      if (entry.type !== "symlink" || entry.target === undefined || this.#kinds.get(entry.origin) !== "package") continue;
      const target = this.options.mapPath(resolveTarget(path, entry.target));
      if (this.#droppedFiles.has(target) && !this.#entries.has(target)) this.#entries.delete(path);
    }
    const all = new Map(this.#entries);
    for (const entry of this.#entries.values()) {
      for (const dir of ancestors(entry.path)) {
        const parent = all.get(dir);
        if (parent) {
          if (parent.type !== "dir") {
            throw new RootfsError(`${entry.origin} puts ${entry.path} below ${dir}, which is a ${parent.type} from ${parent.origin}`, {
              hint: parent.type === "symlink" ? `put the entry at its real path below ${parent.target ?? "the link's target"}` : undefined,
            });
          }
          continue;
        }
        all.set(dir, this.#droppedDirs.get(dir) ?? { path: dir, type: "dir", mode: 0o755, uid: 0, gid: 0, origin: entry.origin });
      }
    }
    for (const path of all.keys()) {
      if (/^\/etc\/ssh\/ssh_host_[^/]*_key$/.test(path)) {
        throw new RootfsError(`${path} (from ${all.get(path)!.origin}) is an ssh host private key`, {
          code: "ROOTFS_PRIVATE_KEY",
          hint: "host keys are generated at boot; every machine booting this image would share a baked-in key",
        });
      }
    }
    return [...all.values()].sort((a, b) => comparePaths(a.path, b.path));
  }
}

/** Hard links become independent files: squashfs stores identical data once anyway, and a layer replacing one name must not change the other. */
function materialise<E extends TreeEntry>(link: E, target: TreeEntry): E {
  const { target: _linkTarget, ...rest } = link as E & { target?: string };
  const content = target.type === "file" ? target.content : new Uint8Array();
  return { ...rest, type: "file", mode: target.mode, uid: target.uid, gid: target.gid, content } as unknown as E;
}

export function sameEntry(a: TreeEntry, b: TreeEntry): boolean {
  return describeDifference(a, b) === undefined;
}

function describeDifference(a: TreeEntry, b: TreeEntry): string | undefined {
  if (a.type !== b.type) return `${a.type} vs ${b.type}`;
  if (a.type === "symlink" && b.type === "symlink" && a.target !== b.target) return `target ${a.target} vs ${b.target}`;
  if (a.type === "file" && b.type === "file") {
    const x = a.content;
    const y = b.content;
    if (!Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(y)) return `content differs: ${x.byteLength} vs ${y.byteLength} bytes`;
  }
  if ((a.mode & 0o7777) !== (b.mode & 0o7777)) return `mode ${(a.mode & 0o7777).toString(8)} vs ${(b.mode & 0o7777).toString(8)}`;
  if (a.uid !== b.uid || a.gid !== b.gid) return `owner ${a.uid}:${a.gid} vs ${b.uid}:${b.gid}`;
  const device = (e: TreeEntry): string => (e.type === "char" || e.type === "block" ? `${e.major}:${e.minor}` : "0:0");
  if (device(a) !== device(b)) return `device ${device(a)} vs ${device(b)}`;
  return undefined;
}

const PRIVATE_KEY = Buffer.from("PRIVATE KEY-----");

function looksLikePrivateKey(content: Uint8Array): boolean {
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength).includes(PRIVATE_KEY);
}
