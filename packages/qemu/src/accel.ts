// Choosing the acceleration: KVM only when a probe boot of the system's own
// kernel really runs under it, within a hard timeout. The answer is cached
// per process and kernel, so a test file pays for the probe once.
import { access, constants, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "@notos/core/process";
import { accelProbeArgs, PROBE_SUCCESS_TEXT, QEMU_BINARY, type Accel } from "./args.js";
import { KVM_PROBE_TIMEOUT_SECONDS } from "./runvm.js";
import { QemuError } from "./errors.js";

export interface AccelProbeOptions {
  /** The kernel to boot (the system's own). */
  kernel: string;
  /** QEMU binary; default qemu-system-x86_64 (or NOTOS_QEMU). */
  qemu?: string;
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** The KVM device, which must be readable and writable for a probe to run at all; default /dev/kvm. */
  kvmDevice?: string;
}

const cache = new Map<string, Promise<Accel>>();

/** "kvm" when the kernel boots under KVM within the timeout, else "tcg". Never hangs; cached per process. */
export function accelProbe(options: AccelProbeOptions): Promise<Accel> {
  const qemu = options.qemu ?? process.env.NOTOS_QEMU ?? QEMU_BINARY;
  const kvmDevice = options.kvmDevice ?? "/dev/kvm";
  const key = `${qemu}\u0000${options.kernel}\u0000${kvmDevice}`;
  let answer = cache.get(key);
  if (!answer) {
    answer = probe(qemu, options.kernel, kvmDevice, options.timeoutMs ?? KVM_PROBE_TIMEOUT_SECONDS * 1000);
    cache.set(key, answer);
  }
  return answer;
}

async function probe(qemu: string, kernel: string, kvmDevice: string, timeoutMs: number): Promise<Accel> {
  try {
    await access(kvmDevice, constants.R_OK | constants.W_OK);
  } catch {
    return "tcg";
  }
  const dir = await mkdtemp(join(tmpdir(), "notos-kvm-probe-"));
  try {
    const log = join(dir, "serial.log");
    const result = await runProgram(qemu, accelProbeArgs(kernel, log), { reject: false, timeoutMs });
    if (result.exitCode !== 0 || result.timedOut) return "tcg";
    const text = await readFile(log, "utf8").catch(() => "");
    return text.includes(PROBE_SUCCESS_TEXT) ? "kvm" : "tcg";
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parse NOTOS_ACCEL: undefined when unset or "auto". */
export function accelFromEnv(env: NodeJS.ProcessEnv = process.env): Accel | undefined {
  const v = env.NOTOS_ACCEL;
  if (v === undefined || v === "" || v === "auto") return undefined;
  if (v === "kvm" || v === "tcg") return v;
  throw new QemuError(`NOTOS_ACCEL must be kvm, tcg or auto, not "${v}"`, { code: "QEMU_ACCEL", hint: "unset it to let notos probe KVM" });
}

/** The acceleration to use: NOTOS_ACCEL, then an explicit choice, then the probe. */
export async function resolveAccel(choice: "auto" | Accel | undefined, probe: AccelProbeOptions): Promise<Accel> {
  const fromEnv = accelFromEnv();
  if (fromEnv) return fromEnv;
  if (choice === "kvm" || choice === "tcg") return choice;
  return accelProbe(probe);
}
