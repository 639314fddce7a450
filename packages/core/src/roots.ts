// GC roots: each build records the store entries its outputs came from in
// `roots/<name>.json` beside the store; `notos gc` keeps exactly those. The
// roots live with the store, not with a system, because systems share the
// store: a gc for one system must not take what another system's build uses.
import { promises as fs } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic.js";
import { NotosError } from "./errors.js";
import { Store } from "./store.js";

export interface RootsFile {
  task: string;
  /** Store entry directory names (`<key>-<name>`). */
  entries: string[];
}

/** `roots/` beside the store directory. */
export function rootsDir(storeDir: string): string {
  return join(dirname(storeDir), "roots");
}

export async function writeRoots(storeDir: string, task: string, entries: readonly string[]): Promise<string> {
  if (!/^[A-Za-z0-9@._-]+$/.test(task)) throw new NotosError(`Invalid task name ${JSON.stringify(task)} for a roots file.`, { code: "TASK_INVALID" });
  const file = join(rootsDir(storeDir), `${task}.json`);
  const body: RootsFile = { task, entries: [...new Set(entries)].sort() };
  await writeFileAtomic(file, JSON.stringify(body, null, 2) + "\n");
  return file;
}

/** Every entry name listed by any roots file of the store. */
export async function readRoots(storeDir: string): Promise<Set<string>> {
  const dir = rootsDir(storeDir);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Set();
    throw error;
  }
  const live = new Set<string>();
  for (const name of names.filter((n) => n.endsWith(".json") && !n.startsWith(".")).sort()) {
    const file = join(dir, name);
    let parsed: Partial<RootsFile>;
    try {
      parsed = JSON.parse(await fs.readFile(file, "utf8")) as Partial<RootsFile>;
    } catch (error) {
      throw new NotosError(`Cannot read the roots file ${file}: ${(error as Error).message}`, {
        code: "ROOTS_INVALID",
        hint: "delete it and run the task that wrote it again (`npm run dist`); until then gc cannot tell which entries are live.",
      });
    }
    for (const entry of parsed.entries ?? []) live.add(entry);
  }
  return live;
}

/** Remove store entries that no roots file lists, and leftover temporary directories. */
export async function collectGarbage(storeDir: string): Promise<string[]> {
  return new Store(storeDir).gc(await readRoots(storeDir));
}
