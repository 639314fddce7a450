// The effects of `npm create notos`: read the template and the user's public
// keys, and write the new project into an empty (or new) directory. A
// directory that already has files is refused rather than mixed into.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateError } from "./errors.js";
import { isPublicKey, packageName, scaffold, type ProjectFile } from "./scaffold.js";

export const templateDir = fileURLToPath(new URL("../templates/default", import.meta.url));

export function readTemplate(dir: string = templateDir): ProjectFile[] {
  const files: ProjectFile[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files.push({ path, text: readFileSync(join(dir, path), "utf8") });
    }
  };
  walk("");
  return files;
}

/** Every public key in `<home>/.ssh/*.pub`, in file-name order; the files they came from. */
export function readSshKeys(home: string = homedir()): { keys: string[]; files: string[] } {
  const dir = join(home, ".ssh");
  if (!existsSync(dir)) return { keys: [], files: [] };
  const keys: string[] = [];
  const files: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".pub")).sort()) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), "utf8");
    } catch {
      continue;
    }
    const found = text.split("\n").map((l) => l.trim()).filter(isPublicKey);
    if (found.length) files.push(`~/.ssh/${name}`);
    for (const k of found) if (!keys.includes(k)) keys.push(k);
  }
  return { keys, files };
}

export interface CreateProjectOptions {
  /** Where the project goes; created when missing, and must be empty when it exists. */
  dir: string;
  /** The package name; default: from the directory's name. */
  name?: string;
  /** Public key files to use instead of `~/.ssh/*.pub`. */
  keyFiles?: readonly string[];
  /** Home directory whose `.ssh/*.pub` keys are used (default: the user's). */
  home?: string;
  /** `packageManager` of package.json; default: the npm that runs us, from npm's user agent. */
  packageManager?: string;
}

/** The npm running this process (npm sets `npm_config_user_agent` for `npm create`/`npx`), else this Node's bundled npm is unknown: a tested default. */
export function detectPackageManager(env: Record<string, string | undefined> = process.env): string {
  const m = /\bnpm\/(\d+\.\d+\.\d+)\b/.exec(env.npm_config_user_agent ?? "");
  return `npm@${m?.[1] ?? "11.19.1"}`;
}

export function createProject(options: CreateProjectOptions): { dir: string; files: ProjectFile[]; keyFiles: string[] } {
  const dir = resolve(options.dir);
  const name = options.name ?? packageName(basename(dir));
  if (!name || packageName(name) !== name) {
    throw new CreateError(`"${options.name ?? basename(dir)}" cannot be an npm package name`, {
      code: "CREATE_NAME",
      hint: "use lowercase letters, digits, '-', '.' and '_' (or pass --name NAME)",
    });
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CreateError(`${dir} is not empty`, { code: "CREATE_NOT_EMPTY", hint: "choose a new directory name; nothing was written" });
  }
  let keys: string[];
  let keyFiles: string[];
  if (options.keyFiles?.length) {
    keyFiles = [...options.keyFiles];
    keys = keyFiles.flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (cause) {
        throw new CreateError(`cannot read the key file ${file}`, { code: "CREATE_KEY", hint: "pass the path of a public key (a .pub file)", cause });
      }
      const found = text.split("\n").map((l) => l.trim()).filter(isPublicKey);
      if (!found.length) throw new CreateError(`${file} holds no SSH public key`, { code: "CREATE_KEY", hint: "pass a .pub file, never the private key" });
      return found;
    });
  } else {
    ({ keys, files: keyFiles } = readSshKeys(options.home));
  }
  const files = scaffold({
    template: readTemplate(),
    name,
    authorizedKeys: keys,
    keySource: keyFiles.join(", "),
    packageManager: options.packageManager ?? detectPackageManager(),
  });
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text, { flag: "wx" });
  }
  return { dir, files, keyFiles };
}
