// QEMU never outlives the process that started it. Three nets:
// - every live QEMU is SIGKILLed from a process 'exit' handler (which also
//   runs after an uncaught exception) and on SIGINT/SIGTERM/SIGHUP;
// - QEMU is started under `setpriv --pdeathsig KILL` when the host has it,
//   so the kernel kills it even when this process is SIGKILLed;
// - tests call machine.kill() or killAllMachines() in afterEach.
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
let installed = false;

function killAllSync(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  // Keep the signal's default meaning (terminate) unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, onSignal);
}

export function track(child: ChildProcess): void {
  install();
  live.add(child);
  child.once("exit", () => live.delete(child));
}

/** Pids of the QEMU processes this process started and that still run. */
export function livePids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

/** SIGKILL every QEMU this process started. */
export function killAllSyncNow(): void {
  killAllSync();
}
