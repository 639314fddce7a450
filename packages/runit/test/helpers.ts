import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileText, type TreeEntry } from "@notos/core/tree";
import { runitLayer } from "../src/index.js";
import { DEFAULT_PATHS, PATH_VARIABLES, type RunitPaths } from "../src/paths.js";
import { configOf, type TestOptions } from "./system.js";

export const text = fileText;
export const find = (entries: TreeEntry[], path: string): TreeEntry | undefined => entries.find((e) => e.path === path);
export const layerOf = (options: TestOptions) => runitLayer(configOf(options));

/** Every outside path of the generated scripts, inside `dir`; `initPid` stands in for PID 1. */
export function pathsIn(dir: string, initPid: number): RunitPaths {
  const paths = { initPid } as RunitPaths;
  for (const key of Object.keys(DEFAULT_PATHS) as (keyof RunitPaths)[]) {
    if (key !== "initPid") (paths as unknown as Record<string, string>)[key] = join(dir, key);
  }
  return paths;
}

/**
 * Throws unless a generated script, about to run on this machine, reaches
 * only into `dir` (and /dev/null) and signals only `initPid`: every path
 * variable at its top must point into `dir`, and nothing else in it may
 * name an absolute path or a process. A script that spelled a path some
 * other way would otherwise reach the real /proc/sysrq-trigger and power
 * the machine off.
 */
export function assertRedirected(source: string, dir: string, initPid: number): void {
  const fail = (why: string) => {
    throw new Error(`refusing to run a generated script on this machine: ${why}\n${source}`);
  };
  const assignment = new RegExp(`^(${Object.values(PATH_VARIABLES).join("|")})=(.*)$`);
  const assigned = new Set<string>();
  source.split("\n").forEach((line, i) => {
    if (i === 0 && line.startsWith("#!")) return;
    if (/^\s*#/.test(line) || /^PATH=[\w/:]+$/.test(line)) return;
    const set = assignment.exec(line);
    if (set) {
      const [, name, value] = set;
      assigned.add(name!);
      if (name === PATH_VARIABLES.initPid ? value !== String(initPid) : !value!.startsWith(join(dir, "/"))) fail(`${name}=${value} is not redirected`);
      return;
    }
    const rest = line.replaceAll(dir, "").replaceAll("/dev/null", "");
    if (/(^|[^\w.$}/-])\/[A-Za-z]/.test(rest)) fail(`line ${i + 1} names a path outside ${dir}: ${line}`);
    if (/\bkill\b[^;|&]*\s-?\d+\b/.test(rest)) fail(`line ${i + 1} signals a fixed process: ${line}`);
  });
  for (const [, name] of source.matchAll(/\$\{?([a-z_][a-z0-9_]*)/g)) {
    if (Object.values(PATH_VARIABLES).includes(name!) && !assigned.has(name!)) fail(`$${name} is used but not set at the top`);
  }
}

export const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

/** sh -n (and shellcheck when installed) on a script; throws with the tool's message. */
export function checkShell(path: string, source: string): void {
  const syntax = spawnSync("sh", ["-n"], { input: source, encoding: "utf8" });
  if (syntax.status !== 0) throw new Error(`${path}: sh -n failed:\n${syntax.stderr}`);
  if (hasShellcheck) {
    // SC1091: sourced files are not available here; SC2016: single quotes in traps are meant.
    const lint = spawnSync("shellcheck", ["-s", "sh", "-e", "SC1091,SC2016", "-"], { input: source, encoding: "utf8" });
    if (lint.status !== 0) throw new Error(`${path}: shellcheck:\n${lint.stdout}`);
  }
}

export function sh(script: string, args: string[] = [], env: NodeJS.ProcessEnv = { PATH: "/usr/bin:/bin" }) {
  return spawnSync("sh", ["-c", script, "sh", ...args], { encoding: "utf8", env });
}

export { execFileSync };
