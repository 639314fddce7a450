import { execFileSync, spawnSync } from "node:child_process";
import { systemSchema, type SystemOptions, type TreeEntry } from "@notos/core";
import { runitLayer } from "../src/index.js";

export const text = (e: TreeEntry | undefined): string => new TextDecoder().decode(e?.content);
export const find = (entries: TreeEntry[], path: string): TreeEntry | undefined => entries.find((e) => e.path === path);
export const layerOf = (options: SystemOptions) => runitLayer(systemSchema.parse(options));

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
