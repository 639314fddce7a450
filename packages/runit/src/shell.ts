// Helpers for the shell scripts this package writes.

/** A literal shell word: single-quoted, so nothing in it is expanded. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A script from its lines; the user's command text is inserted as written. */
export function script(lines: (string | false | undefined)[]): string {
  return lines.filter((l): l is string => typeof l === "string").join("\n").replace(/\n*$/, "\n");
}

/** A user's shell text, one indented block (blank lines kept, trailing newlines dropped). */
export function userText(text: string): string {
  return text.replace(/\s+$/, "");
}
