// Helpers for the shell scripts this package writes (words are quoted with
// core's shellQuote, the one rule every notos script follows).
import { BUSYBOX } from "./boot-shell.js";

/** The interpreters a script can have: /bin/sh, or the boot shell (see boot-shell.ts). */
export type ShellKind = "sh" | "busybox";

/** A script's first line for its interpreter. */
export function shebang(shell: ShellKind): string {
  return shell === "busybox" ? `#!${BUSYBOX} sh` : "#!/bin/sh";
}

/** A script from its lines; the user's command text is inserted as written. */
export function script(lines: (string | false | undefined)[]): string {
  return lines.filter((l): l is string => typeof l === "string").join("\n").replace(/\n*$/, "\n");
}

/** A user's shell text, one indented block (blank lines kept, trailing newlines dropped). */
export function userText(text: string): string {
  return text.replace(/\s+$/, "");
}
