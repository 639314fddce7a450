// The guest-side boot timeline. Two clocks:
//   host  — seconds since QEMU started, from the time each console line
//           arrived at the Machine driver (includes firmware and kernel load);
//   guest — the guest's uptime: the kernel's printk stamp ("[ 3.64] Run /init"),
//           stage 1's "(uptime N s)" at switch_root, and each service's start
//           from runit's status file against the guest's /proc/uptime.
// Guest times are placed on the host axis with one offset: the host time of
// the kernel's "Run /init" line minus its guest stamp, or of stage 1's first
// line and the uptime it prints (a `quiet` kernel prints no stamps).
import type { ConsoleLine } from "@notos/qemu/console";

export interface TimelineEvent {
  name: string;
  /** Seconds since QEMU start (host clock). */
  host?: number;
  /** Guest uptime in seconds (guest clock). */
  guest?: number;
}

/** Console marks, in boot order: name, pattern, and where a guest stamp is (capture group 1). */
const MARKS: { name: string; re: RegExp; guest?: "printk" | "group" }[] = [
  { name: "kernel starts (first kernel line)", re: /Linux version /, guest: "printk" },
  { name: "kernel runs /init", re: /Run \/init as init process/, guest: "printk" },
  // Stage 1 says the guest's uptime when it starts: the clocks' anchor when a quiet kernel prints no stamps.
  { name: "stage 1 starts", re: /notos stage 1: started \(uptime ([\d.]+) s\)/, guest: "group" },
  { name: "stage 1: modules loaded", re: /notos stage 1: waiting for root device/ },
  { name: "stage 1: switch_root", re: /notos stage 1: switching to .*\(uptime ([\d.]+) s\)/, guest: "group" },
  { name: "stage 2 starts", re: /<<< notos stage 2 >>>/ },
  { name: "runit stage 1 starts", re: /enter stage: \/etc\/runit\/1/ },
  { name: "runit stage 1 ends", re: /leave stage: \/etc\/runit\/1/ },
  { name: "runit stage 2 starts", re: /enter stage: \/etc\/runit\/2/ },
];

const PRINTK = /^\[\s*([\d.]+)\]/;

export function consoleEvents(lines: readonly ConsoleLine[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const mark of MARKS) {
    const line = lines.find((l) => mark.re.test(l.text));
    if (!line) continue;
    const event: TimelineEvent = { name: mark.name, host: line.t };
    const stamp = mark.guest === "printk" ? PRINTK.exec(line.text)?.[1] : mark.guest === "group" ? mark.re.exec(line.text)?.[1] : undefined;
    if (stamp !== undefined) event.guest = Number(stamp);
    events.push(event);
  }
  return events;
}

/**
 * Prints the guest's uptime, its wall clock, and each service's runit status
 * file (its first 12 bytes are the TAI64N time the service last started),
 * plus `sv status` as a fallback with whole seconds.
 */
export const SERVICE_STATUS_COMMAND = [
  "cut -d ' ' -f 1 /proc/uptime",
  "date +%s.%N",
  `for d in /etc/service/*; do n=\${d##*/}; printf 'svc %s %s %s\\n' "$n" "$(od -An -tx1 -N12 "$d/supervise/status" 2>/dev/null | tr -d ' \\n')" "$(sv status "$d" 2>/dev/null | sed -n 's/^run: [^)]*) \\([0-9]*\\)s.*/\\1/p')"; done`,
].join("; ");

/**
 * Files whose change time marks a boot step: the first boot's keys, and
 * the pid files sshd and nginx write once their sockets listen (both
 * write them after binding). Read in the guest against its uptime, like
 * the services' status files.
 */
export const GUEST_FILE_MARKS: readonly { name: string; path: string }[] = [
  { name: "ssh host key written", path: "/etc/ssh/ssh_host_ed25519_key" },
  { name: "sshd listens (its pid file)", path: "/run/sshd.pid" },
  { name: "nginx listens (its pid file)", path: "/run/nginx.pid" },
  { name: "TLS certificate written", path: "/var/lib/notos/tls/nginx.crt" },
  { name: "nginx takes TLS in (its link)", path: "/run/nginx-tls/tls.conf" },
];

/** Prints the guest's uptime, its wall clock, and the change time of each GUEST_FILE_MARKS file that exists (a link's own). */
export const GUEST_FILE_TIMES_COMMAND = [
  "cut -d ' ' -f 1 /proc/uptime",
  "date +%s.%N",
  `for f in ${GUEST_FILE_MARKS.map((m) => m.path).join(" ")}; do [ -e "$f" ] || [ -L "$f" ] && printf 'file %s %s\\n' "$f" "$(stat -c %.9Z "$f")"; done; true`,
].join("; ");

/** Each mark's time as guest uptime, from the output of GUEST_FILE_TIMES_COMMAND. */
export function guestFileEvents(output: string): TimelineEvent[] {
  const { lines, uptimeAt } = guestClock(output);
  const events: TimelineEvent[] = [];
  for (const line of lines) {
    const m = /^file (\S+) ([\d.]+)$/.exec(line);
    const mark = m && GUEST_FILE_MARKS.find((k) => k.path === m[1]);
    const at = m ? uptimeAt(Number(m[2])) : NaN;
    if (mark && Number.isFinite(at)) events.push({ name: mark.name, guest: round(at) });
  }
  return events;
}

/**
 * The two lines every guest report starts with (its /proc/uptime, then its
 * wall clock), as a converter from a guest wall-clock time to guest uptime,
 * and the report's other lines.
 */
function guestClock(output: string): { lines: string[]; uptime: number; uptimeAt: (wallSeconds: number) => number } {
  const [uptimeLine, dateLine, ...rest] = output.trim().split("\n");
  const uptime = Number(uptimeLine);
  const now = Number(dateLine);
  return { lines: rest.map((l) => l.trim()), uptime, uptimeAt: (wall) => uptime - (now - wall) };
}

const TAI_OFFSET = 4611686018427387914n; // 2^62 + 10: TAI64 label of the Unix epoch, as runit writes it

/** Each service's start as guest uptime, from the output of SERVICE_STATUS_COMMAND. */
export function serviceEvents(output: string): TimelineEvent[] {
  const { lines, uptime, uptimeAt } = guestClock(output);
  const events: TimelineEvent[] = [];
  for (const line of lines) {
    const m = /^svc (\S+) ([0-9a-f]*) ?(\d*)$/.exec(line);
    if (!m) continue;
    const [, name, hex, svSeconds] = m;
    let started: number | undefined;
    if (hex && hex.length === 24) {
      const sec = BigInt(`0x${hex.slice(0, 16)}`) - TAI_OFFSET;
      const nano = Number.parseInt(hex.slice(16, 24), 16);
      started = uptimeAt(Number(sec) + nano / 1e9);
    } else if (svSeconds) {
      started = uptime - Number(svSeconds);
    }
    if (started !== undefined && Number.isFinite(started)) events.push({ name: `service ${name} started`, guest: round(started) });
  }
  return events;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Events that can anchor the clocks, the earliest first: the kernel's "Run /init" (printk stamp), stage 1's start (its own). */
const ANCHORS = ["kernel runs /init", "stage 1 starts"];

/** host − guest for the same moment, from the first anchor event that has both times (its arrival vs its stamp). */
export function clockOffset(events: readonly TimelineEvent[]): number | undefined {
  for (const name of ANCHORS) {
    const anchor = events.find((e) => e.name === name && e.host !== undefined && e.guest !== undefined);
    if (anchor) return anchor.host! - anchor.guest!;
  }
  return undefined;
}

/** The events on one axis (seconds since QEMU start), sorted. */
export function onHostAxis(events: readonly TimelineEvent[]): { name: string; at: number; clock: "host" | "guest" }[] {
  const offset = clockOffset(events) ?? 0;
  return events
    .map((e) => (e.host !== undefined ? { name: e.name, at: e.host, clock: "host" as const } : { name: e.name, at: e.guest! + offset, clock: "guest" as const }))
    .sort((a, b) => a.at - b.at);
}

/** Markdown table: event, host seconds, guest seconds. */
export function timelineTable(events: readonly TimelineEvent[]): string {
  const offset = clockOffset(events);
  const rows = [...events].sort((a, b) => (a.host ?? a.guest! + (offset ?? 0)) - (b.host ?? b.guest! + (offset ?? 0)));
  const fmt = (x?: number) => (x === undefined ? "" : x.toFixed(2));
  return [
    "| event | host: s since QEMU start | guest: uptime s |",
    "| --- | ---: | ---: |",
    ...rows.map((e) => `| ${e.name} | ${fmt(e.host)} | ${fmt(e.guest)} |`),
  ].join("\n");
}
