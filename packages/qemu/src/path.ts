// Small filesystem helpers at the edge.
import { access, constants } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

/** The full path of an executable, from PATH when `name` has no slash; undefined when there is none. */
export async function findExecutable(name: string): Promise<string | undefined> {
  const candidates = name.includes("/") ? [name] : (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return isAbsolute(c) ? c : join(process.cwd(), c);
    } catch {
      // next
    }
  }
  return undefined;
}

export async function isReadable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
