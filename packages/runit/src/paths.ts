// The places outside themselves that the generated control scripts (the
// stage-2 init, runit stages 2 and 3, Ctrl-Alt-Del, poweroff/reboot/halt)
// touch. Each script names them once, as shell variables at its top, and
// its body uses only the variables. Production scripts always get the
// defaults — nothing at run time, no environment variable, can move them,
// since PID 1 must not be redirectable. Tests pass their own values to the
// generator, and can then check from the text alone that a script reaches
// nothing else before running it on the host.
import { shellQuote } from "@notos/core/text";

export interface RunitPaths {
  /** Mount point of the proc file system. */
  proc: string;
  /** Mount point of sysfs. */
  sys: string;
  /** Mount point of devtmpfs (devpts and /dev/shm go below it). */
  dev: string;
  /** The /run tmpfs, where runit's flag files live. */
  run: string;
  /** The kernel command line. */
  cmdline: string;
  /** Where "o" powers the machine off at once. */
  sysrqTrigger: string;
  /** The mount table. */
  mounts: string;
  /** The runit binary the stage-2 init becomes. */
  runit: string;
  /** runit's stage 1, which runit runs first. */
  stage1: string;
  /** The shell started instead of powering off when the command line has notos.shell. */
  shell: string;
  /** The directory runsvdir supervises. */
  serviceDir: string;
  /** The process poweroff and reboot wake with SIGCONT: runit, PID 1. */
  initPid: number;
}

export const DEFAULT_PATHS: Readonly<RunitPaths> = Object.freeze({
  proc: "/proc",
  sys: "/sys",
  dev: "/dev",
  run: "/run",
  cmdline: "/proc/cmdline",
  sysrqTrigger: "/proc/sysrq-trigger",
  mounts: "/proc/mounts",
  runit: "/usr/sbin/runit",
  stage1: "/etc/runit/1",
  shell: "/bin/sh",
  serviceDir: "/etc/service",
  initPid: 1,
});

/** The shell variable that holds each path in the scripts. */
export const PATH_VARIABLES: Readonly<Record<keyof RunitPaths, string>> = Object.freeze({
  proc: "proc",
  sys: "sys",
  dev: "dev",
  run: "run",
  cmdline: "cmdline",
  sysrqTrigger: "sysrq_trigger",
  mounts: "mounts",
  runit: "runit",
  stage1: "stage1",
  shell: "rescue_shell",
  serviceDir: "service_dir",
  initPid: "init_pid",
});

/** `"$variable"` of a path, for a script's body. */
export function ref(key: keyof RunitPaths): string {
  return `"$${PATH_VARIABLES[key]}"`;
}

/** The assignments a script starts with, for the paths it uses (overrides win over the defaults). */
export function pathAssignments(keys: readonly (keyof RunitPaths)[], overrides: Partial<RunitPaths> = {}): string[] {
  return keys.map((key) => `${PATH_VARIABLES[key]}=${shellQuote(String(overrides[key] ?? DEFAULT_PATHS[key]))}`);
}
