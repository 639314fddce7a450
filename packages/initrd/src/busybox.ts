// Stage 1's busybox: the static binary from the configured Debian package,
// and its applet links. The applet list comes from running the extracted
// binary once (`busybox --list-full`): exact for the binary at hand, and
// possible on any amd64 host because the binary is static. Where it cannot
// run (another host architecture), a fixed list of what stage 1 and an
// emergency shell need is used instead, with a warning.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "@notos/core/process";
import { NotosError } from "@notos/core";
import type { Reporter } from "@notos/core/progress";
import { readDebData } from "@notos/debian/deb";

/** Applets stage 1 uses, plus a small shell toolbox: the fallback list. */
export const FALLBACK_APPLETS = [
  "bin/sh", "bin/ash", "bin/cat", "bin/cp", "bin/cttyhack", "bin/dmesg", "bin/echo", "bin/ls", "bin/mkdir", "bin/mount", "bin/mv",
  "bin/rm", "bin/sleep", "bin/sync", "bin/umount", "bin/uname", "sbin/blkid", "sbin/insmod", "sbin/lsmod", "sbin/modprobe",
  "sbin/poweroff", "sbin/reboot", "sbin/switch_root", "usr/bin/cut", "usr/bin/setsid", "usr/bin/tr", "usr/bin/vi",
];

export interface Busybox {
  /** The static binary. */
  binary: Uint8Array;
  /** Where the package installs it, e.g. "/bin/busybox". */
  path: string;
  /** Applet paths relative to the root ("bin/sh", "sbin/modprobe"), sorted. */
  applets: string[];
  /** How the applet list was found. */
  appletSource: "binary" | "fallback";
}

/** The busybox binary out of a busybox .deb (busybox-static installs /bin/busybox). */
export async function busyboxFromDeb(file: string, packageName: string): Promise<{ binary: Uint8Array; path: string }> {
  for await (const entry of readDebData(file)) {
    if (entry.type === "file" && /^(\/usr)?\/s?bin\/busybox$/.test(entry.path) && entry.content) return { binary: entry.content, path: entry.path };
  }
  throw new NotosError(`${packageName} has no busybox binary in /bin, /sbin, /usr/bin or /usr/sbin`, {
    code: "INITRD_BUSYBOX",
    hint: "boot.initrd.busyboxPackage must name a package with a static busybox, such as busybox-static",
  });
}

/** The binary's applet paths, by running it once; the fallback list when it cannot run here. */
export async function busyboxApplets(binary: Uint8Array, reporter: Reporter): Promise<Pick<Busybox, "applets" | "appletSource">> {
  const dir = await mkdtemp(join(tmpdir(), "notos-busybox-"));
  try {
    const exe = join(dir, "busybox");
    await writeFile(exe, binary);
    await chmod(exe, 0o755);
    const run = await runProgram(exe, ["--list-full"], { reject: false, env: { PATH: "/nonexistent" }, extendEnv: false, timeoutMs: 10_000 });
    const applets = run.exitCode === 0 ? run.stdout.toString("utf8").split("\n").map((l) => l.trim()).filter(Boolean) : [];
    if (applets.length > 0 && applets.includes("bin/sh")) {
      // `linuxrc` would sit at the root next to /init; stage 1 never wants it.
      return { applets: [...new Set(applets)].filter((a) => a !== "linuxrc").sort(), appletSource: "binary" };
    }
    reporter.warn(`could not run busybox --list-full on this host (${run.startError?.message ?? (run.timedOut ? "timed out" : run.signal ?? `exit ${run.exitCode}`)}); linking a fixed list of ${FALLBACK_APPLETS.length} applets`);
    return { applets: [...FALLBACK_APPLETS].sort(), appletSource: "fallback" };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
