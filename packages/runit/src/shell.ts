// Helpers for the shell scripts this package writes (words are quoted with
// core's shellQuote, the one rule every notos script follows).
/**
 * The boot shell: the initrd's static busybox, which its stage 1 leaves in
 * the running root with the layers (@notos/initrd's ROOT_BUSYBOX; the
 * layers, this one included, reach the root only through that stage 1).
 *
 * Why: under emulation (QEMU's TCG) a program start is the slow part of a
 * boot. Each start of a position-independent, dynamically linked program
 * such as dash runs the loader and relocates libc at fresh random
 * addresses, and TCG translates all that code again every time. The static
 * busybox sits at a fixed address with no loader, so its later starts, and
 * its applets (mkdir, ln, ip, sleep), reuse what was translated for the
 * first. The daemons the scripts start stay randomised: runit, runsv and
 * every service are Debian's PIE programs.
 *
 * It runs as busybox's standalone shell: a command named like one of its
 * applets runs the applet, whatever PATH says, so scripts name another
 * program of such a name by its full path (/usr/sbin/poweroff).
 */
export const BUSYBOX = "/usr/lib/notos/busybox";

/** The interpreters a script can have: /bin/sh, or the boot shell. */
export type ShellKind = "sh" | "busybox";

/** A script's first line for its interpreter. */
export function shebang(shell: ShellKind): string {
  return shell === "busybox" ? `#!${BUSYBOX} sh` : "#!/bin/sh";
}

/** A script from its lines; the user's command text is inserted as written. */
export function script(lines: (string | false | undefined)[]): string {
  return lines.filter((l): l is string => typeof l === "string").join("\n").replace(/\n*$/, "\n");
}

/** A user's shell text, one indented block (blank lines kept, trailing newlines dropped). */
export function userText(text: string): string {
  return text.replace(/\s+$/, "");
}
