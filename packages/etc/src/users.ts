// /etc/passwd, group, shadow and gshadow from `users` and `groups`: what
// base-passwd and adduser would have written had maintainer scripts run.
import type { IssueCollector, PathSegment } from "@notos/core/graph";
import type { TreeEntry } from "@notos/core/tree";
import type { Groups, Users } from "./options.js";
import { sshKeyProblem } from "./sshKeys.js";
import { dir, file } from "./tree.js";

const NAME = /^[a-z_][a-z0-9_-]*\$?$/;
const byId = <T>(id: (x: T) => number) => (a: [string, T], b: [string, T]) => id(a[1]) - id(b[1]) || (a[0] < b[0] ? -1 : 1);

/** Where sshd finds each user's keys (its AuthorizedKeysFile names this directory). */
export const AUTHORIZED_KEYS_DIR = "/etc/ssh/authorized_keys.d";

export function validateAccounts(users: Users, groups: Groups, issues: IssueCollector): void {
  const uids = new Map<number, string>();
  for (const [name, user] of Object.entries(users)) {
    const at = (...p: PathSegment[]): PathSegment[] => ["users", name, ...p];
    if (!NAME.test(name)) issues.add(at(), `"${name}" is not a valid user name (lower-case letters, digits, _ and -)`);
    const other = uids.get(user.uid);
    if (other !== undefined) issues.add(at("uid"), `uid ${user.uid} is also the uid of user "${other}"`);
    else uids.set(user.uid, name);
    if (!(user.group in groups)) issues.add(at("group"), `the primary group "${user.group}" does not exist; define groups.${user.group}`);
    for (const g of user.extraGroups) if (!(g in groups)) issues.add(at("extraGroups"), `the group "${g}" does not exist; define groups.${g}`);
    for (const field of ["description", "home", "shell"] as const) {
      if (/[:\n]/.test(user[field])) issues.add(at(field), "must not contain ':' or a line break");
    }
    if (user.createHome && (user.home === "/" || user.home === "/nonexistent")) issues.add(at("home"), `createHome needs a real home directory, not ${user.home}`);
    if (user.hashedPassword !== null && !/^[^:\s]+$/.test(user.hashedPassword)) issues.add(at("hashedPassword"), "must be a crypt(3) hash without ':' or spaces");
    user.authorizedKeys.forEach((key, i) => {
      const problem = sshKeyProblem(key);
      if (problem) issues.add(at("authorizedKeys", i), problem);
    });
  }
  const gids = new Map<number, string>();
  for (const [name, group] of Object.entries(groups)) {
    if (!NAME.test(name)) issues.add(["groups", name], `"${name}" is not a valid group name`);
    const other = gids.get(group.gid);
    if (other !== undefined) issues.add(["groups", name, "gid"], `gid ${group.gid} is also the gid of group "${other}"`);
    else gids.set(group.gid, name);
    for (const member of group.members) {
      if (!(member in users)) issues.add(["groups", name, "members"], `the user "${member}" does not exist`);
    }
  }
}

/** Members of each group: its `members` plus the users that list it in `extraGroups`, sorted. */
function groupMembers(users: Users, groups: Groups): Map<string, string[]> {
  const members = new Map(Object.entries(groups).map(([name, g]) => [name, new Set(g.members)]));
  for (const [name, user] of Object.entries(users)) for (const g of user.extraGroups) members.get(g)?.add(name);
  return new Map([...members].map(([g, set]) => [g, [...set].sort()]));
}

/**
 * Debian makes shadow 0640 root:shadow so that the setgid-shadow
 * unix_chkpwd helper can check passwords for unprivileged programs; we do
 * the same when a `shadow` group exists, and fall back to 0600 root:root.
 */
function shadowOwner(groups: Groups): { mode: number; gid: number } {
  const shadow = groups["shadow"];
  return shadow ? { mode: 0o640, gid: shadow.gid } : { mode: 0o600, gid: 0 };
}

export function accountEntries(users: Users, groups: Groups): TreeEntry[] {
  const userList = Object.entries(users).sort(byId((u) => u.uid));
  const groupList = Object.entries(groups).sort(byId((g) => g.gid));
  const members = groupMembers(users, groups);
  const gidOf = (name: string) => groups[name]?.gid ?? 0;

  const passwd = userList.map(([n, u]) => `${n}:x:${u.uid}:${gidOf(u.group)}:${u.description}:${u.home}:${u.shell}\n`).join("");
  // An empty "last changed" field turns password ageing off; 0 would force a
  // password change at the first login, which also blocks key logins via PAM.
  const shadow = userList.map(([n, u]) => `${n}:${u.hashedPassword ?? "!"}:::::::\n`).join("");
  const group = groupList.map(([n, g]) => `${n}:x:${g.gid}:${(members.get(n) ?? []).join(",")}\n`).join("");
  const gshadow = groupList.map(([n]) => `${n}:!::${(members.get(n) ?? []).join(",")}\n`).join("");

  const secret = shadowOwner(groups);
  const entries: TreeEntry[] = [
    file("/etc/passwd", passwd),
    file("/etc/group", group),
    file("/etc/shadow", shadow, secret.mode, 0, secret.gid),
    file("/etc/gshadow", gshadow, secret.mode, 0, secret.gid),
  ];

  for (const [name, user] of userList) {
    // Home directories are the one part of this layer outside /etc: they
    // belong to the accounts defined here.
    if (user.createHome) entries.push(dir(user.home, 0o700, user.uid, gidOf(user.group)));
    // Keys live under /etc, root-owned and read-only, so nothing in a home
    // directory can add a key that the configuration does not list.
    if (user.authorizedKeys.length) {
      entries.push(file(`${AUTHORIZED_KEYS_DIR}/${name}`, user.authorizedKeys.map((k) => k.trim() + "\n").join(""), 0o444));
    }
  }
  return entries;
}
