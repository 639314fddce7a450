// `turbo run dist` in a clone, timed, and its log read: which turbo tasks
// were cache hits, and what the one dist task (@notos/systems#dist, which
// realises every builder of the system) says each builder did
// ("kernel: cached", "rootfs: built in 12.3s").
import { join } from "node:path";
import { execa } from "execa";

export interface DistRun {
  seconds: number;
  /** Builder → "built" or "cached", as the dist task said. Empty when turbo replayed the dist task from its cache. */
  builders: Record<string, "built" | "cached">;
  /** Turbo tasks ("@notos/core:build", "@notos/systems:dist") that ran (cache miss). */
  executed: string[];
  cached: number;
  total: number;
  log: string;
}

export interface DistOptions {
  env: NodeJS.ProcessEnv;
  /** Turbo's cache directory; a fresh one makes every task a miss. */
  cacheDir: string;
  /**
   * The dist task alone (`--only --force`): the packages must be compiled
   * already, and the task runs even when turbo's cache holds it.
   */
  only?: boolean;
  /** The task to run, when not dist (e.g. "build": only compile the packages). */
  task?: string;
}

export async function turboDist(cwd: string, options: DistOptions): Promise<DistRun> {
  const turbo = join(cwd, "node_modules", ".bin", "turbo");
  const started = performance.now();
  const task = options.task ?? "dist";
  // --ui=stream keeps one prefixed line per log line; no daemon, so no process outlives the run.
  const r = await execa(turbo, ["run", task, ...(options.only ? ["--only", "--force"] : []), "--ui=stream", "--no-daemon", `--cache-dir=${options.cacheDir}`], {
    cwd,
    env: options.env,
    extendEnv: false,
    all: true,
    reject: false,
    stdin: "ignore",
  });
  const seconds = (performance.now() - started) / 1000;
  const log = String(r.all ?? "");
  if (r.exitCode !== 0) throw new Error(`turbo run ${task} failed in ${cwd} (exit ${r.exitCode}):\n${log.split("\n").slice(-40).join("\n")}`);
  return { seconds, log, ...parseDistLog(log) };
}

export function parseDistLog(log: string): Omit<DistRun, "seconds" | "log"> {
  const lines = log.split("\n");
  const executed: string[] = [];
  let cached = 0;
  let total = 0;
  for (const line of lines) {
    const task = /^(\S+:\S+): cache (hit|miss)/.exec(line);
    if (task?.[2] === "miss") executed.push(task[1]!);
    const summary = /^\s*Cached:\s+(\d+) cached, (\d+) total/.exec(line);
    if (summary) [cached, total] = [Number(summary[1]), Number(summary[2])];
  }
  // A replayed task prints the lines of the run that filled turbo's cache,
  // which say nothing about this one: only a dist task that ran counts. Were
  // a builder named twice (a second dist task), built in either wins.
  const builders: DistRun["builders"] = {};
  for (const line of lines) {
    const m = /^(\S+:dist): ([\w-]+): (cached|built in [\d.]+s)\s*$/.exec(line);
    if (!m || !executed.includes(m[1]!)) continue;
    if (m[3] !== "cached") builders[m[2]!] = "built";
    else builders[m[2]!] ??= "cached";
  }
  return { builders, executed, cached, total };
}
