// Work that must happen however this process ends: a QEMU to kill, a
// temporary checkout to remove. One registry for every package, so each
// signal gets one handler here instead of one per package, and the rule
// is the same everywhere: the cleanups run synchronously on "exit" (which
// also follows an uncaught exception) and on SIGINT, SIGTERM and SIGHUP;
// after a signal, when nothing else listens for it, the signal is raised
// again so the process ends as it would have without us. SIGKILL cannot
// be caught: what must survive it (QEMU) needs a net of its own.

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // One failed cleanup must not stop the others, nor the exit.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  watch(false);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function watch(on: boolean): void {
  if (on === installed) return;
  installed = on;
  for (const s of SIGNALS) on ? process.on(s, onSignal) : process.removeListener(s, onSignal);
  on ? process.on("exit", runAll) : process.removeListener("exit", runAll);
}

/**
 * Run `cleanup` (synchronous: nothing asynchronous runs after "exit") if
 * the process ends before the returned function is called; calling it
 * drops the cleanup without running it.
 */
export function onProcessEnd(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  watch(true);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) watch(false);
  };
}
