// QEMU's `key=value,key=value` option strings (shell words are quoted with
// core's shellQuote).

/** Escape a value inside a QEMU option string: a literal comma is written twice. */
export function qemuOptValue(s: string): string {
  return s.replaceAll(",", ",,");
}
