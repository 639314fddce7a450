// Boot a kernel + initrd under QEMU (TCG) and collect the serial console.
import { execa } from "execa";

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
  /** A raw disk image attached read-only as the first virtio disk. */
  drive?: string;
  timeoutMs: number;
}

function qemuArgs(options: BootOptions): string[] {
  const args = ["-accel", "tcg", "-m", "512", "-nographic", "-no-reboot", "-kernel", options.kernel, "-initrd", options.initrd, "-append", options.append];
  if (options.drive) args.push("-drive", `file=${options.drive},if=virtio,format=raw,readonly=on`);
  return args;
}

function logs(raw: string): { log: string; output: string } {
  const log = clean(raw);
  return { log, output: log.replace(/\[\s*\d+\.\d+\] [^\n]*\n/g, "") };
}

function clean(text: string): string {
  return text
    .replace(/\r/g, "")
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .replace(/\x1bc/g, "");
}

/** Boot with stdin from /dev/null and wait for QEMU to exit (or kill it at the timeout). */
export async function boot(options: BootOptions): Promise<BootResult> {
  const start = Date.now();
  const run = await execa("qemu-system-x86_64", qemuArgs(options), {
    stdin: "ignore",
    reject: false,
    all: true,
    timeout: options.timeoutMs,
    killSignal: "SIGKILL",
  });
  return { ...logs(String(run.all ?? "")), exitCode: run.timedOut ? undefined : run.exitCode, timedOut: run.timedOut, wallMs: Date.now() - start };
}

/** Boot and type `input` on the serial console once the output contains `prompt`. */
export async function bootAndType(options: BootOptions, prompt: string, input: string): Promise<BootResult> {
  const start = Date.now();
  const child = execa("qemu-system-x86_64", qemuArgs(options), { stdin: "pipe", reject: false, all: true, timeout: options.timeoutMs, killSignal: "SIGKILL" });
  let seen = "";
  let typed = false;
  child.all!.on("data", (chunk: Buffer) => {
    seen += chunk.toString("latin1");
    if (!typed && clean(seen).includes(prompt)) {
      typed = true;
      // Give the shell a moment to start reading the console.
      setTimeout(() => child.stdin!.write(input), 1500);
    }
  });
  const run = await child;
  return { ...logs(String(run.all ?? "")), exitCode: run.timedOut ? undefined : run.exitCode, timedOut: run.timedOut, wallMs: Date.now() - start };
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
