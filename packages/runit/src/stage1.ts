// /etc/runit/1: what the system does once at boot before services start.
import type { IssueCollector, PathSegment } from "@notos/core/graph";
import { shellQuote } from "@notos/core/text";
import type { TreeEntry } from "@notos/core/tree";
import type { NetworkInterface } from "@notos/etc";
import type { RunitOptions } from "./options.js";
import { SUPERVISE_DIR } from "./services.js";
import { script, shebang, userText } from "./shell.js";
import { file } from "./tree.js";

export const STAGE1_TASKS_DIR = "/etc/runit/stage-1.d";
export const UDHCPC_SCRIPT = "/usr/lib/notos/udhcpc-script";

const TASK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SYSCTL_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const CIDR = /^([0-9]{1,3}(\.[0-9]{1,3}){3}\/([0-9]|[12][0-9]|3[0-2])|[0-9a-fA-F:]+\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$/;
const IP = /^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]+)$/;

const byName = <T>(record: Record<string, T>): [string, T][] => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));

/** uid of a user and gid of a group by name: "root" is always 0, others come from the configuration. */
function uidOf(config: RunitOptions, user: string): number | undefined {
  return user === "root" ? 0 : config.users[user]?.uid;
}
function gidOf(config: RunitOptions, group: string): number | undefined {
  return group === "root" ? 0 : config.groups[group]?.gid;
}

export function validateStage1(config: RunitOptions, issues: IssueCollector): void {
  for (const [name, iface] of Object.entries(config.networking.interfaces)) {
    const at = (...p: PathSegment[]): PathSegment[] => ["networking", "interfaces", name, ...p];
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/.test(name)) issues.add(at(), `"${name}" is not a network interface name`);
    if (iface.dhcp && iface.address !== undefined) issues.add(at("address"), "an interface has either dhcp or a static address, not both");
    if (iface.address !== undefined && !CIDR.test(iface.address)) issues.add(at("address"), `"${iface.address}" is not an address in CIDR form such as "10.0.2.15/24"`);
    if (iface.gateway !== undefined && iface.address === undefined) issues.add(at("gateway"), "a gateway needs a static address on the interface");
    if (iface.gateway !== undefined && !IP.test(iface.gateway)) issues.add(at("gateway"), `"${iface.gateway}" is not an IP address`);
  }
  for (const [key, value] of Object.entries(config.boot.kernel.sysctl)) {
    if (!SYSCTL_KEY.test(key) || key.split(/[./]/).includes("..")) issues.add(["boot", "kernel", "sysctl", key], `"${key}" is not a sysctl key such as "net.ipv4.ip_forward"`);
    if (/\n/.test(String(value))) issues.add(["boot", "kernel", "sysctl", key], "the value must be one line");
  }
  for (const [path, d] of Object.entries(config.runit.directories)) {
    const at = (...p: PathSegment[]): PathSegment[] => ["runit", "directories", path, ...p];
    if (path.split("/").includes("..") || /[\n'"\\$`]/.test(path)) issues.add(at(), "must be a plain absolute path");
    if (uidOf(config, d.user) === undefined) issues.add(at("user"), `the user "${d.user}" does not exist; define users.${d.user}`);
    if (gidOf(config, d.group) === undefined) issues.add(at("group"), `the group "${d.group}" does not exist; define groups.${d.group}`);
  }
  for (const [name, text] of Object.entries(config.runit.stage1Tasks)) {
    if (!TASK_NAME.test(name)) issues.add(["runit", "stage1Tasks", name], `"${name}" is not a valid task name (letters, digits, '.', '_' and '-')`);
    if (!text.trim()) issues.add(["runit", "stage1Tasks", name], "the task is empty");
  }
}

/** /proc/sys path of a sysctl key: dots separate levels unless the key already uses slashes. */
function procSysPath(key: string): string {
  return "/proc/sys/" + (key.includes("/") ? key : key.replace(/\./g, "/"));
}

/**
 * The `ip` commands of one interface with a static address. They run as the
 * boot shell's applet: after the first, each costs little more than its
 * work under TCG (iproute2's ip, dynamically linked, is slow to start). An
 * interface with DHCP gets only its `link up` here; udhcpc runs after.
 */
function interfaceCommands(name: string, iface: NetworkInterface): string[] {
  const lines = [`ip link set dev ${name} up`];
  if (!iface.dhcp && iface.address !== undefined) {
    lines.push(`ip address add ${iface.address} dev ${name}`);
    if (iface.gateway !== undefined) lines.push(`ip route add default via ${iface.gateway} dev ${name}`);
  }
  return lines;
}

function dhcpLines(name: string): string[] {
  // -n -q: get one lease or fail, then exit. The lease is not renewed: a
  // boot-time configuration, as for a VM on QEMU's user network.
  return [`say "network: ${name} (DHCP)"`, `busybox udhcpc -i ${shellQuote(name)} -n -q -t 5 -T 2 -s ${UDHCPC_SCRIPT}`];
}

/**
 * Directories grouped by mode and owner: mkdir, chmod and chown each (so
 * mode and owner are set on existing ones too), as the boot shell's applets
 * (coreutils' install would be a dynamically linked program start, the slow
 * part of a boot under emulation). runsv's supervise parent joins the
 * root-owned 0755 group: Debian's runsv makes each service's own supervise
 * directory (0700) through its link, so this is the only directory runit needs.
 */
function directoryLines(config: RunitOptions): string[] {
  const groups = new Map<string, { uid: number; gid: number; mode: string; owner: string; paths: string[] }>();
  // A setting of the supervise directory's own in runit.directories wins.
  for (const [path, d] of byName({ [SUPERVISE_DIR]: { mode: "0755", user: "root", group: "root" }, ...config.runit.directories })) {
    const uid = uidOf(config, d.user)!;
    const gid = gidOf(config, d.group)!;
    const key = `${d.mode} ${uid}:${gid}`;
    const group = groups.get(key) ?? { uid, gid, mode: d.mode, owner: `${d.user}:${d.group}`, paths: [] };
    group.paths.push(shellQuote(path));
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((g) => {
    const paths = g.paths.join(" ");
    return [`# ${g.owner}, ${g.mode}`, `mkdir -p ${paths}`, `chmod ${g.mode} ${paths}`, `chown ${g.uid}:${g.gid} ${paths}`];
  });
}

export function stage1Script(config: RunitOptions): string {
  const interfaces = byName(config.networking.interfaces);
  const sysctl = byName(config.boot.kernel.sysctl);
  const tasks = byName(config.runit.stage1Tasks);
  return script([
    shebang("busybox"),
    "# runit stage 1, generated by notos: set the system up once, before the services start.",
    "# Every step must work. set -e stops at the first failure; runit then skips",
    "# stage 2 and goes to stage 3, and the trap below says which step failed.",
    "set -e",
    "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    "export PATH",
    "",
    "step=start",
    "say() { step=$1; echo \"notos: $1\"; }",
    "on_exit() {",
    "  status=$?",
    '  if [ "$status" -ne 0 ]; then echo "notos: stage 1 FAILED at: $step (exit $status)" >&2; fi',
    "}",
    "trap on_exit EXIT",
    "",
    "say \"runit control files\"",
    "# Debian's runit reads these flags in /run: poweroff and reboot make them",
    "# executable before they wake runit (PID 1) with SIGCONT. Made by the shell,",
    "# not executable: every program started here costs time under emulation.",
    ": > /run/runit.stopit",
    ": > /run/runit.reboot",
    "",
    'say "directories"',
    `# ${SUPERVISE_DIR}: runsv keeps each service's state there (the supervise links in /etc/sv point into it).`,
    ...directoryLines(config),
    "",
    `say "hostname ${config.networking.hostname}"`,
    `echo ${shellQuote(config.networking.hostname)} > /proc/sys/kernel/hostname`,
    ...(sysctl.length ? ["", 'say "sysctl"', ...sysctl.map(([key, value]) => `echo ${shellQuote(String(value))} > ${procSysPath(key)}`)] : []),
    "",
    `say "network: ${["lo", ...interfaces.map(([name]) => name)].join(", ")}"`,
    "ip link set dev lo up",
    ...interfaces.flatMap(([name, iface]) => interfaceCommands(name, iface)),
    ...interfaces.filter(([, iface]) => iface.dhcp).flatMap(([name]) => dhcpLines(name)),
    ...(tasks.length
      ? [
          "",
          "# One-shot tasks from runit.stage1Tasks, in name order. A failing task is",
          "# reported and the boot goes on, so the rest of the system stays reachable.",
          "task() {",
          '  say "task $1"',
          "  # /bin/sh by its path: the boot shell would run its own sh applet.",
          `  /bin/sh -e ${STAGE1_TASKS_DIR}/"$1" || echo "notos: stage-1 task $1 FAILED (exit $?)" >&2`,
          "}",
          ...tasks.map(([name]) => `task ${name}`),
        ]
      : []),
    "",
    'say "stage 1 done"',
  ]);
}

export function stage1Entries(config: RunitOptions): TreeEntry[] {
  const tasks = byName(config.runit.stage1Tasks).map(([name, text]) =>
    file(`${STAGE1_TASKS_DIR}/${name}`, script(["#!/bin/sh", `# runit.stage1Tasks.${name}, run by /etc/runit/1 with sh -e.`, userText(text)]), 0o755),
  );
  const usesDhcp = Object.values(config.networking.interfaces).some((i) => i.dhcp);
  return [file("/etc/runit/1", stage1Script(config), 0o755), ...tasks, ...(usesDhcp ? [file(UDHCPC_SCRIPT, udhcpcScript(config), 0o755)] : [])];
}

/** busybox udhcpc calls this with the lease in its environment ($ip, $subnet, $router, $dns). */
function udhcpcScript(config: RunitOptions): string {
  const staticDns = config.networking.nameservers.length > 0;
  return script([
    "#!/bin/sh",
    "# Applies a DHCP lease from busybox udhcpc (called as: script deconfig|bound|renew).",
    "# udhcpc passes the lease in $interface, $ip, $mask, $router and $dns.",
    "# shellcheck disable=SC2154",
    "set -e",
    'case "$1" in',
    "  deconfig)",
    '    ip address flush dev "$interface"',
    "    ;;",
    "  bound|renew)",
    '    ip address flush dev "$interface"',
    '    ip address add "$ip/${mask:-24}" dev "$interface"',
    '    for r in $router; do ip route replace default via "$r" dev "$interface"; break; done',
    staticDns
      ? "    # networking.nameservers is set: /etc/resolv.conf stays as configured."
      : '    if [ -n "$dns" ]; then { for d in $dns; do echo "nameserver $d"; done; } > /etc/resolv.conf; fi',
    '    echo "notos: $interface: $ip/${mask:-24} via ${router:-none}"',
    "    ;;",
    "esac",
  ]);
}
