// deb822: the paragraph format of Packages, Release, control and .sources files.
import { DebianError } from "./errors.js";

// Host apt sources are the one deb822 text a user writes; the archive's own files are signed.
const SYNTAX_HINT = "check the apt sources under /etc/apt (deb822 .sources files: `Field: value` lines, continuation lines start with a space)";

export type Paragraph = Record<string, string>;

export interface Deb822Options {
  /** Drop lines starting with "#" (allowed in apt .sources files, not in archive indexes). */
  comments?: boolean;
}

/**
 * Parse deb822 text into paragraphs. Field names keep their spelling; look
 * them up with `field()` for case-insensitive access. Continuation lines are
 * joined with "\n" and keep their leading space stripped; a lone "." line
 * (an empty line in a Description) becomes an empty line.
 */
export function parseDeb822(text: string, options: Deb822Options = {}): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let last: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (options.comments && line.startsWith("#")) continue;
    if (line.trim() === "") {
      if (current) paragraphs.push(current);
      current = undefined;
      last = undefined;
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!current || last === undefined) throw new DebianError(`deb822: continuation line without a field: ${JSON.stringify(line)}`, { code: "DEB822_SYNTAX", hint: SYNTAX_HINT });
      const body = line.slice(1);
      current[last] += "\n" + (body === "." ? "" : body);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new DebianError(`deb822: not a "Field: value" line: ${JSON.stringify(line)}`, { code: "DEB822_SYNTAX", hint: SYNTAX_HINT });
    current ??= {};
    last = line.slice(0, colon);
    current[last] = line.slice(colon + 1).trim();
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

/** Case-insensitive field lookup. */
export function field(paragraph: Paragraph, name: string): string | undefined {
  if (name in paragraph) return paragraph[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(paragraph)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
