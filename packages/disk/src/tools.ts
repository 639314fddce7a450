// The host programs this package runs, each with the Debian package that
// ships it, so a missing one is an error that says what to install and
// which option asks for it. Every run gets the same environment: the build's
// SOURCE_DATE_EPOCH (mtools and xorriso stamp it into the image) and UTC
// (FAT keeps local time), so two builds on two machines agree.
import { runProgram } from "@notos/core/process";
import { DiskError } from "./errors.js";

export const TOOL_PACKAGES = {
  "mkfs.vfat": "dosfstools",
  mmd: "mtools",
  mcopy: "mtools",
  syslinux: "syslinux",
  xorriso: "xorriso",
  "qemu-img": "qemu-utils",
} as const;

export type Tool = keyof typeof TOOL_PACKAGES;

export interface RunOptions {
  /** SOURCE_DATE_EPOCH for the tool. */
  epoch: number;
  /** What needs the tool, for the error: e.g. `"bios" in disk.firmware`. */
  neededBy: string;
}

function missing(tool: Tool, neededBy: string, cause?: unknown): DiskError {
  return new DiskError(`${tool} is not installed; ${neededBy} needs it.`, {
    code: "DISK_TOOL",
    hint: `install the Debian package ${TOOL_PACKAGES[tool]} (npm run setup does), or change ${neededBy.replace(/^.* in /, "")}`,
    cause,
  });
}

/** Run a host tool; its stdout. A missing tool or a failure is a DiskError. */
export async function runTool(tool: Tool, args: readonly string[], options: RunOptions): Promise<string> {
  const r = await runProgram(tool, args, {
    env: { SOURCE_DATE_EPOCH: String(options.epoch), TZ: "UTC", MTOOLS_SKIP_CHECK: "1", LC_ALL: "C" },
    reject: false,
  });
  if (r.startError?.code === "ENOENT") throw missing(tool, options.neededBy, r.startError);
  if (r.exitCode !== 0 || r.startError) {
    const how = r.startError ? r.startError.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.exitCode}`;
    const stderr = r.stderr.toString("utf8").trim();
    throw new DiskError(`${tool} failed: ${r.command} (${how})${stderr ? `\n${stderr}` : ""}`, {
      code: "DISK_TOOL_FAILED",
      hint: "its message is above; `npx notos build` with NOTOS_LOG=debug shows every step",
    });
  }
  return r.stdout.toString("utf8").replace(/\r?\n$/, "");
}

/** The first line a tool prints about its version, for store keys: another version may write other bytes. */
export async function toolVersion(tool: Tool, args: readonly string[], neededBy: string): Promise<string> {
  const r = await runProgram(tool, args, { reject: false, env: { LC_ALL: "C" } });
  // A program that could not be started has no exit code.
  if (r.startError) throw missing(tool, neededBy, r.startError);
  // stderr first: xorriso's banner there is the line earlier store keys were made with.
  const all = `${r.stderr.toString("utf8")}\n${r.stdout.toString("utf8")}`;
  return all.split("\n").find((l) => /\d+\.\d+/.test(l))?.trim() ?? "unknown";
}
