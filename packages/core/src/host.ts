// Host programs a package runs, checked before it runs them: a program that
// is not installed is a NotosError naming the Debian package that ships it
// and what needed it, instead of a bare ENOENT from deep inside a build.
// Each package declares its programs in its README ("Host programs") and
// calls requireHostProgram() at the point of use; the lookup is PATH's, as
// the spawn that follows will do it.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { NotosError } from "./errors.js";

export interface HostProgram {
  /** The command as it is run, e.g. `zstd` (or an absolute path). */
  program: string;
  /** The Debian package that ships it, e.g. `zstd`. */
  debianPackage: string;
  /** What needs it, for the message: e.g. `boot.initrd.compression "zstd"`. */
  neededBy: string;
  /** What else the user can do instead of installing it, appended to the hint. */
  alternative?: string;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The absolute path `program` runs as under `PATH` (default: this process's), or undefined. */
export function findHostProgram(program: string, { path = process.env.PATH ?? "" }: { path?: string } = {}): string | undefined {
  if (program.includes("/")) return isAbsolute(program) && isExecutableFile(program) ? program : undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The path of a host program, or a NotosError (code `HOST_PROGRAM_MISSING`)
 * whose hint names the Debian package to install.
 */
export function requireHostProgram(need: HostProgram, options: { path?: string } = {}): string {
  const found = findHostProgram(need.program, options);
  if (found) return found;
  throw new NotosError(`${need.program} is not installed; ${need.neededBy} needs it.`, {
    code: "HOST_PROGRAM_MISSING",
    hint: `install the Debian package ${need.debianPackage} (sudo apt-get install ${need.debianPackage})${need.alternative ? `, or ${need.alternative}` : ""}`,
  });
}
