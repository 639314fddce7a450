// Quoting for the two languages the launcher speaks: POSIX shell words and
// QEMU's `key=value,key=value` option strings.

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote a string as one POSIX shell word (left bare when that is safe, for readability). */
export function shellQuote(s: string): string {
  if (s !== "" && SAFE_WORD.test(s)) return s;
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Escape a value inside a QEMU option string: a literal comma is written twice. */
export function qemuOptValue(s: string): string {
  return s.replaceAll(",", ",,");
}
