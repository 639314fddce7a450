// The framing protocol of the test shell on hvc0. The driver writes one
// shell command that prints a begin marker, runs the command in a subshell
// with stdin from /dev/null (so it cannot eat the next request), then prints
// an end marker with the exit status. The marker is random per request, and
// the command text only contains it in two halves, so an echoing terminal
// can never fake a frame. Anything outside a frame (prompts, answers to
// abandoned requests) is ignored. stderr goes to /dev/console: it shows up
// in the serial log, the way the NixOS driver logs it.
import { randomBytes } from "node:crypto";
import { shellQuote } from "@notos/core/text";

export interface Frame {
  marker: string;
  /** The bytes to write to the shell. */
  request: string;
}

export function newMarker(): string {
  return `notos${randomBytes(12).toString("hex")}`;
}

export function frameCommand(command: string, marker: string = newMarker()): Frame {
  const a = marker.slice(0, 10);
  const b = marker.slice(10);
  const request =
    `printf '%s%s:B\\n' '${a}' '${b}'; ` +
    `( eval ${shellQuote(command)} ) </dev/null 2>/dev/console; ` +
    `printf '\\n%s%s:E %s\\n' '${a}' '${b}' "$?"\n`;
  return { marker, request };
}

export interface FrameResult {
  status: number;
  stdout: Buffer;
  /** Index in the buffer just after the frame. */
  end: number;
}

/** Find the frame of `marker` in what the shell has sent so far; undefined until it is complete. */
export function parseFrame(buffer: Buffer, marker: string): FrameResult | undefined {
  const begin = Buffer.from(`${marker}:B\n`);
  const start = buffer.indexOf(begin);
  if (start < 0) return undefined;
  const endMark = Buffer.from(`\n${marker}:E `);
  const body = start + begin.length;
  const e = buffer.indexOf(endMark, body);
  if (e < 0) return undefined;
  const nl = buffer.indexOf(0x0a, e + endMark.length);
  if (nl < 0) return undefined;
  const status = Number.parseInt(buffer.subarray(e + endMark.length, nl).toString("latin1"), 10);
  return { status, stdout: buffer.subarray(body, e), end: nl + 1 };
}
