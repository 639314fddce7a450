// The notos store: `<dir>/<key>-<name>` directories, content-addressed by a
// builder's real inputs. An entry appears by one rename of a finished
// temporary directory, so a build killed at any moment leaves no half entry.
import { createHash, randomBytes } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import { basename, join, relative } from "node:path";

export interface StoreEntry<M = unknown> {
  name: string;
  key: string;
  /** Directory of the entry. */
  path: string;
  /** Digest of the entry's files and metadata. */
  digest: string;
  meta: M;
}

const ENTRY_FILE = ".notos-entry.json";
const TMP_PREFIX = ".tmp-";

/** A stable digest of any JSON-able value (object keys sorted). */
export function hashValue(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface KeyInputs {
  /** Builder name, e.g. "kernel". */
  builder: string;
  /** Builder version: bump it when the builder's output changes for the same inputs. */
  version: string;
  /** The builder's slice of the evaluated configuration. */
  config: unknown;
  /** Digests of input artifacts (and of anything else the output depends on, e.g. locked package hashes). */
  inputs?: Record<string, string>;
}

/** The store key of a build: 32 hex characters of the hash of its inputs. */
export function storeKey(inputs: KeyInputs): string {
  return hashValue(inputs).slice(0, 32);
}

export interface StoreOptions {
  /**
   * Directories holding complete entries made elsewhere — such as the ones a
   * cache restored — that a lookup takes in (see `adopt`) when the store
   * itself lacks the entry.
   */
  substitutes?: readonly string[];
}

export class Store {
  readonly substitutes: readonly string[];

  constructor(
    readonly dir: string,
    options: StoreOptions = {},
  ) {
    this.substitutes = options.substitutes ?? [];
  }

  entryPath(key: string, name: string): string {
    return join(this.dir, `${key}-${name}`);
  }

  async get<M>(name: string, key: string): Promise<StoreEntry<M> | undefined> {
    const path = this.entryPath(key, name);
    try {
      const record = JSON.parse(await fs.readFile(join(path, ENTRY_FILE), "utf8")) as { digest: string; meta: M };
      return { name, key, path, digest: record.digest, meta: record.meta };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /**
   * Build an entry: `produce` fills a fresh temporary directory and returns
   * the entry's metadata; the directory then becomes the entry atomically.
   */
  async put<M>(name: string, key: string, produce: (dir: string) => Promise<M>): Promise<StoreEntry<M>> {
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${TMP_PREFIX}${key}-${name}-${randomBytes(6).toString("hex")}`);
    await fs.mkdir(tmp);
    try {
      const meta = await produce(tmp);
      const digest = hashValue({ files: await digestTree(tmp), meta });
      await fs.writeFile(join(tmp, ENTRY_FILE), JSON.stringify({ name, key, digest, meta }, null, 2) + "\n");
      const path = this.entryPath(key, name);
      try {
        await fs.rename(tmp, path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Another process finished the same entry first: keep theirs.
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
        await fs.rm(tmp, { recursive: true, force: true });
        const existing = await this.get<M>(name, key);
        if (!existing) throw error;
        return existing;
      }
      return { name, key, path, digest, meta };
    } catch (error) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw error;
    }
  }

  /** The entry for `key`, built with `produce` when the store does not have it yet. */
  async realise<M>(name: string, key: string, produce: (dir: string) => Promise<M>): Promise<StoreEntry<M> & { cached: boolean }> {
    const existing = (await this.get<M>(name, key)) ?? (await this.substitute<M>(name, key));
    if (existing) return { ...existing, cached: true };
    return { ...(await this.put(name, key, produce)), cached: false };
  }

  /** The entry taken in from the first substitute directory that holds an intact copy of it. */
  async substitute<M>(name: string, key: string): Promise<StoreEntry<M> | undefined> {
    for (const dir of this.substitutes) {
      if (await this.adopt(join(dir, `${key}-${name}`))) return this.get<M>(name, key);
    }
    return undefined;
  }

  /**
   * Take in a complete entry from outside the store — one that a cache (such
   * as turbo's, local or remote) restored elsewhere — when its files still
   * match the digest it was built with. Files are hard-linked where the file
   * system allows, else copied, and the entry appears by one rename as a
   * built one does. Returns false, leaving the store as it was, when the
   * directory is not an intact entry (a damaged or tampered restore is
   * rebuilt, never used); an entry the store already has is kept.
   */
  async adopt(source: string): Promise<boolean> {
    let record: { name?: unknown; key?: unknown; digest?: unknown; meta?: unknown };
    try {
      record = JSON.parse(await fs.readFile(join(source, ENTRY_FILE), "utf8")) as typeof record;
    } catch {
      return false;
    }
    const { name, key, digest, meta } = record;
    if (typeof name !== "string" || typeof key !== "string" || typeof digest !== "string") return false;
    if (!/^[0-9a-f]{32}$/.test(key) || !/^[A-Za-z0-9@._-]+$/.test(name) || basename(source) !== `${key}-${name}`) return false;
    if (await this.get(name, key)) return true;
    // The digest was taken before the entry file was written.
    const files = (await digestTree(source)).filter((row) => !row.startsWith(`f ${ENTRY_FILE} `));
    if (hashValue({ files, meta }) !== digest) return false;
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${TMP_PREFIX}${key}-${name}-${randomBytes(6).toString("hex")}`);
    try {
      await fs.cp(source, tmp, { recursive: true, preserveTimestamps: false, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE });
      await fs.rename(tmp, this.entryPath(key, name));
    } catch (error) {
      await fs.rm(tmp, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      // Another process put the same entry first: theirs is as good.
      if ((code === "ENOTEMPTY" || code === "EEXIST") && (await this.get(name, key))) return true;
      throw error;
    }
    return true;
  }

  /** Every complete entry's directory name. */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names.filter((n) => !n.startsWith(".")).sort();
  }

  /** Remove every entry not in `keep` (directory names) and every leftover temporary directory. */
  async gc(keep: Iterable<string>): Promise<string[]> {
    const live = new Set(keep);
    const removed: string[] = [];
    let names: string[] = [];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return removed;
    }
    for (const name of names.sort()) {
      if (live.has(name) || (!name.startsWith(TMP_PREFIX) && name.startsWith("."))) continue;
      await fs.rm(join(this.dir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }
}

/** Sorted (path, type, executable, sha256) rows of every file in a directory. */
async function digestTree(root: string): Promise<string[]> {
  const rows: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      if (entry.isDirectory()) {
        rows.push(`d ${rel}`);
        await walk(full);
      } else if (entry.isSymbolicLink()) {
        rows.push(`l ${rel} ${await fs.readlink(full)}`);
      } else if (entry.isFile()) {
        const stat = await fs.stat(full);
        const hash = createHash("sha256").update(await fs.readFile(full)).digest("hex");
        rows.push(`f ${rel} ${stat.mode & 0o111 ? "x" : "-"} ${hash}`);
      }
    }
  };
  await walk(root);
  return rows;
}
