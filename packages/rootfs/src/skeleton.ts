// What a running system needs that packages extracted without maintainer
// scripts do not provide: the merged-/usr root links, the mount points and
// standard directories (base-files' job in Debian), /bin/sh when no package
// ships it, the few alternatives links whose absence breaks scripts, and
// /etc/shells (debianutils' update-shells). Directories that a package
// already ships keep the package's metadata.
import { RootTree, SKELETON, type RootEntry } from "./tree.js";

const dir = (path: string, mode = 0o755): RootEntry => ({ path, type: "dir", mode, uid: 0, gid: 0, origin: SKELETON });
const link = (path: string, target: string): RootEntry => ({ path, type: "symlink", mode: 0o777, uid: 0, gid: 0, target, origin: SKELETON });

export const SKELETON_DIRS: readonly RootEntry[] = [
  dir("/dev"),
  dir("/proc", 0o555),
  dir("/sys", 0o555),
  dir("/run"),
  dir("/mnt"),
  dir("/tmp", 0o1777),
  dir("/root", 0o700),
  dir("/home"),
  dir("/srv"),
  dir("/etc"),
  dir("/usr"),
  dir("/usr/bin"),
  dir("/usr/sbin"),
  dir("/usr/lib"),
  dir("/usr/lib64"),
  dir("/var"),
  dir("/var/tmp", 0o1777),
  dir("/var/log"),
  dir("/var/lib"),
  dir("/var/cache"),
];

/** The merged-/usr links at the root (what the `usrmerge` package would convert a system to). */
export const ROOT_LINKS: readonly RootEntry[] = [
  link("/bin", "usr/bin"),
  link("/sbin", "usr/sbin"),
  link("/lib", "usr/lib"),
  link("/lib64", "usr/lib64"),
  // base-files' postinst turns its /var/run and /var/lock directories into
  // these links; daemons still write pid files and locks there.
  link("/var/run", "/run"),
  link("/var/lock", "/run/lock"),
];

/**
 * Links that maintainer scripts make with update-alternatives, reduced to the
 * ones the root needs: the first candidate present in the tree wins. (Debian's
 * own /bin/sh comes from dash's data, not a script; when dash is absent bash
 * provides it, as the `sh` of a bash-only system.)
 */
export const ALTERNATIVES: readonly { path: string; candidates: readonly string[] }[] = [
  { path: "/usr/bin/sh", candidates: ["dash", "bash"] },
  { path: "/usr/bin/awk", candidates: ["mawk", "gawk", "original-awk"] },
  { path: "/usr/bin/which", candidates: ["which.debianutils"] },
];

/** Other multilib directories get their root link only when a package ships them. */
const OPTIONAL_ROOT_LINKS: readonly RootEntry[] = [link("/lib32", "usr/lib32"), link("/libx32", "usr/libx32")];

export function addSkeleton(tree: RootTree): void {
  for (const entry of SKELETON_DIRS) tree.addDefault(entry);
  for (const entry of ROOT_LINKS) tree.replaceEmptyDir(entry);
  for (const entry of OPTIONAL_ROOT_LINKS) {
    if (tree.get(`/usr${entry.path}`)?.type === "dir") tree.addDefault(entry);
  }
  for (const { path, candidates } of ALTERNATIVES) {
    if (tree.get(path)) continue;
    const dir = path.slice(0, path.lastIndexOf("/"));
    const found = candidates.find((name) => tree.get(`${dir}/${name}`)?.type === "file");
    if (found) tree.addDefault(link(path, found));
  }
  const shells = etcShells(tree);
  if (shells && !tree.get("/etc/shells")) {
    tree.addDefault({ path: "/etc/shells", type: "file", mode: 0o644, uid: 0, gid: 0, content: new TextEncoder().encode(shells), origin: SKELETON });
  }
}

/**
 * /etc/shells as debianutils' update-shells writes it: the base list plus
 * every package's shells.d entry, each under both /bin and /usr/bin on a
 * merged-/usr system, keeping only shells the root really has.
 */
function etcShells(tree: RootTree): string | undefined {
  const listed: string[] = [];
  const read = (path: string): void => {
    const entry = tree.get(path);
    if (entry?.type !== "file" || !entry.content) return;
    for (const line of new TextDecoder().decode(entry.content).split("\n")) {
      const shell = line.trim();
      if (shell.startsWith("/")) listed.push(shell);
    }
  };
  read("/usr/share/debianutils/shells");
  for (const name of tree.names("/usr/share/debianutils/shells.d")) read(`/usr/share/debianutils/shells.d/${name}`);
  if (listed.length === 0) return undefined;
  const result = new Set<string>();
  for (const shell of listed) {
    const usr = shell.replace(/^\/(bin|sbin)\//, "/usr/$1/");
    if (!tree.get(usr)) continue;
    result.add(shell);
    if (usr !== shell) result.add(usr);
    else if (/^\/usr\/(bin|sbin)\//.test(shell)) result.add(shell.slice(4));
  }
  return `# /etc/shells: valid login shells\n${[...result].join("\n")}\n`;
}
