// One quoting rule for every shell script notos writes (stage 1, runit
// scripts, /etc/profile, runvm): a word of safe characters stays bare,
// anything else goes in single quotes, with each ' written as '\''.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `value` as one word of POSIX sh. */
export function shellQuote(value: string): string {
  return value !== "" && SAFE_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
