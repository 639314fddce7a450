// The host programs signing runs — openssl (keys, detached signatures) and
// sbsigntool (Authenticode signatures of EFI programs) — each with the
// Debian package that ships it, so a missing one says what to install.
import { runProgram } from "@notos/core/process";
import { SignError } from "./errors.js";

export const TOOL_PACKAGES = { openssl: "openssl", sbsign: "sbsigntool", sbverify: "sbsigntool" } as const;
export type Tool = keyof typeof TOOL_PACKAGES;

/** Run a host tool; its stdout. A missing tool or a failure is a SignError. */
export async function runTool(tool: Tool, args: readonly string[], options: { input?: Uint8Array | string } = {}): Promise<Buffer> {
  const r = await runProgram(tool, args, { env: { LC_ALL: "C", TZ: "UTC" }, reject: false, ...(options.input !== undefined ? { input: options.input } : {}) });
  if (r.startError?.code === "ENOENT") {
    throw new SignError(`${tool} is not installed; signing needs it.`, { code: "SIGN_TOOL", hint: `install the Debian package ${TOOL_PACKAGES[tool]} (npm run setup does)`, cause: r.startError });
  }
  if (r.exitCode !== 0 || r.startError) {
    const how = r.startError ? r.startError.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.exitCode}`;
    throw new SignError(`${tool} failed: ${r.command} (${how})\n${r.stderr.toString("utf8").trim()}`, { code: "SIGN_TOOL_FAILED", hint: "its message is above" });
  }
  return r.stdout;
}

/** The first line a tool prints about its version, for store keys. */
export async function toolVersion(tool: Tool, args: readonly string[]): Promise<string> {
  const r = await runProgram(tool, args, { reject: false, env: { LC_ALL: "C" } });
  if (r.startError) throw new SignError(`${tool} is not installed; signing needs it.`, { code: "SIGN_TOOL", hint: `install the Debian package ${TOOL_PACKAGES[tool]} (npm run setup does)` });
  return `${r.stdout.toString("utf8")}\n${r.stderr.toString("utf8")}`.split("\n").find((l) => /\d+\.\d+/.test(l))?.trim() ?? "unknown";
}
