// Boot a kernel + initrd to the end and collect the serial console, for the
// boot tests. QEMU is driven by @notos/qemu's Machine, the launcher every
// notos test and runvm share, so these boots see the VM a user boots; this
// file only turns a whole boot into one result the tests can read.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Machine, defaultVmConfig, type VmConfig } from "@notos/qemu";

export interface BootResult {
  /** The console output, without \r and terminal escape sequences. */
  log: string;
  /**
   * The log without kernel messages. The kernel writes printk lines to the
   * serial port in between the tty's buffered output, even in the middle of
   * a line; removing them rejoins the lines the guest's programs wrote.
   */
  output: string;
  /** QEMU's exit code; undefined when it had to be killed. */
  exitCode: number | undefined;
  timedOut: boolean;
  wallMs: number;
}

export interface BootOptions {
  kernel: string;
  initrd: string;
  append: string;
  /** A raw disk image attached read-only as the first virtio disk; without it the first disk is empty. */
  drive?: string;
  timeoutMs: number;
}

// TCG unless NOTOS_ACCEL says otherwise: the timings the tests allow are TCG's.
const defaults = defaultVmConfig();
const config: VmConfig = { ...defaults, qemu: { ...defaults.qemu, memory: 512, accel: "tcg" } };

async function machine(options: BootOptions): Promise<Machine> {
  const dir = await mkdtemp(join(tmpdir(), "notos-initrd-boot-"));
  const commandLine = join(dir, "command-line");
  await writeFile(commandLine, `${options.append}\n`);
  // Machine always attaches a root disk; a boot without one gets a small blank image there.
  let rootfs = options.drive;
  if (!rootfs) {
    rootfs = join(dir, "blank.img");
    await writeFile(rootfs, Buffer.alloc(64 * 1024));
  }
  return new Machine({ files: { kernel: options.kernel, initrd: options.initrd, rootfs, commandLine }, config, name: "initrd" });
}

function result(m: Machine, exitCode: number | undefined, timedOut: boolean, start: number): BootResult {
  const log = m.consoleText();
  return { log, output: log.replace(/\[\s*\d+\.\d+\] [^\n]*\n/g, ""), exitCode, timedOut, wallMs: Date.now() - start };
}

/** Wait for QEMU to exit by itself, or kill it at the deadline. */
async function finish(m: Machine, deadline: number, start: number): Promise<BootResult> {
  try {
    const status = await m.waitForExit(Math.max(1, deadline - Date.now()));
    return result(m, status.code ?? undefined, false, start);
  } catch {
    // waitForExit has killed QEMU and waited for its output.
    await m.waitForExit(5_000).catch(() => undefined);
    return result(m, undefined, true, start);
  }
}

/** Boot and wait for QEMU to exit (or kill it at the timeout). */
export async function boot(options: BootOptions): Promise<BootResult> {
  const start = Date.now();
  const m = await machine(options);
  await m.start();
  return finish(m, start + options.timeoutMs, start);
}

/** Boot and type `input` on the serial console once the output contains `prompt`. */
export async function bootAndType(options: BootOptions, prompt: string, input: string): Promise<BootResult> {
  const start = Date.now();
  const deadline = start + options.timeoutMs;
  const m = await machine(options);
  await m.start();
  const seen = await m.waitForConsole(new RegExp(prompt.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), options.timeoutMs).then(
    () => true,
    () => false,
  );
  if (seen) {
    // Give the shell a moment to start reading the console.
    await new Promise((r) => setTimeout(r, 1500));
    await m.sendConsole(input).catch(() => undefined);
  }
  return finish(m, deadline, start);
}

/** The kernel's printk timestamp of the first line matching `pattern`, else undefined. */
export function printkTime(log: string, pattern: RegExp): number | undefined {
  for (const line of log.split("\n")) {
    if (pattern.test(line)) {
      const m = /^\[\s*(\d+\.\d+)\]/.exec(line);
      if (m) return Number(m[1]);
    }
  }
  return undefined;
}
