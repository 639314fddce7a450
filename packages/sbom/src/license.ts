// Licenses from a Debian package's /usr/share/doc/<pkg>/copyright: a
// machine-readable (DEP-5) file names each license in `License:` fields, in
// Debian's short names ("GPL-2+", "Expat", "BSD-3-clause"); this maps them to
// SPDX ids where one matches and to a LicenseRef otherwise, keeping the text
// a LicenseRef stands for. A file that is not DEP-5 gives no assertion:
// guessing a license from prose is not this function's business.
import { createRequire } from "node:module";
import { parseDeb822 } from "@notos/debian/control";

// The SPDX license list's ids (the spdx-license-ids package: one JSON array).
const spdxIds = createRequire(import.meta.url)("spdx-license-ids/index.json") as string[];

/** A license the copyright file names that is no SPDX license: its id in expressions, its name and its text. */
export interface LicenseRef {
  id: string;
  name: string;
  text: string;
}

export interface PackageLicense {
  /** The SPDX expression of every license the file names (joined with AND), or "NOASSERTION". */
  expression: string;
  /** Each distinct License: name of the file, as Debian wrote it. */
  names: string[];
  /** The LicenseRefs the expression uses. */
  refs: LicenseRef[];
  /** Whether the file is machine-readable (DEP-5). */
  machineReadable: boolean;
}

const NO_ASSERTION: PackageLicense = { expression: "NOASSERTION", names: [], refs: [], machineReadable: false };

const byLowerCase = new Map(spdxIds.map((id) => [id.toLowerCase(), id]));

// Debian's short names (DEP-5 §"License specification") whose SPDX id differs from the name.
const DEBIAN_NAMES: Record<string, string> = {
  expat: "MIT",
  "bsd-2-clause": "BSD-2-Clause",
  "bsd-3-clause": "BSD-3-Clause",
  "bsd-4-clause": "BSD-4-Clause",
  artistic: "Artistic-1.0-Perl",
  "artistic-1.0": "Artistic-1.0",
  "artistic-2.0": "Artistic-2.0",
  zlib: "Zlib",
  isc: "ISC",
  "cc0-1.0": "CC0-1.0",
  "python-2.0": "Python-2.0",
  "zope-2.1": "ZPL-2.1",
  "perl": "Artistic-1.0-Perl OR GPL-1.0-or-later",
};

// GNU family: "GPL-2" is only that version, "GPL-2+" that version or later.
const GNU = /^(a?gpl|lgpl|gfdl)-(\d(?:\.\d)?)(\+)?$/;
const GNU_IDS: Record<string, string> = { gpl: "GPL", lgpl: "LGPL", agpl: "AGPL", gfdl: "GFDL" };

function gnuVersion(family: string, version: string): string {
  if (version.includes(".")) return version;
  // SPDX spells every GNU version with a minor number; LGPL-2 is LGPL-2.0, GPL-3 is GPL-3.0.
  return `${version}.0`;
}

/** One Debian license short name → an SPDX id, or undefined when none matches. */
export function spdxId(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  const gnu = GNU.exec(key);
  if (gnu) {
    const [, family, version, plus] = gnu;
    const id = `${GNU_IDS[family!]}-${gnuVersion(family!, version!)}-${plus ? "or-later" : "only"}`;
    return byLowerCase.get(id.toLowerCase()) ?? undefined;
  }
  return DEBIAN_NAMES[key] ?? byLowerCase.get(key);
}

/** A LicenseRef id for a name: letters, digits, "." and "-" only, as SPDX requires. */
export function licenseRefId(name: string): string {
  const clean = name.trim().replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");
  return `LicenseRef-${clean || "unnamed"}`;
}

interface Term {
  expression: string;
  refs: string[];
}

/** One License: value's first line ("GPL-2+ or Artistic", "LGPL-2.1+, and GPL-3+") → an SPDX expression. */
function termExpression(value: string): Term {
  const refs: string[] = [];
  const one = (name: string): string => {
    const id = spdxId(name);
    if (id) return id.includes(" ") ? `(${id})` : id;
    refs.push(name.trim());
    return licenseRefId(name);
  };
  const orParts = value.split(/\s+or\s+|\s*\|\s*/i);
  const mapped = orParts.map((part) => {
    const andParts = part.split(/\s*,?\s+and\s+|\s*,\s*/i).filter(Boolean);
    const inner = andParts.map(one);
    return inner.length > 1 ? `(${inner.join(" AND ")})` : inner[0]!;
  });
  return { expression: mapped.length > 1 ? `(${mapped.join(" OR ")})` : mapped[0]!, refs };
}

// Real copyright files carry comment lines and the odd unindented line inside a
// license text; read those as text rather than give up on the whole file.
function tolerant(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .map((line) => (line.trim() === "" || /^\s/.test(line) || /^[A-Za-z][A-Za-z0-9-]*:/.test(line) ? line : ` ${line}`))
    .join("\n");
}

function isDep5(text: string): boolean {
  const first = text.split("\n", 1)[0] ?? "";
  return /^Format:\s*\S*copyright-format\/1\.0/i.test(first);
}

/** The licenses a copyright file names, as SPDX: pure, from the file's text. */
export function packageLicense(copyright: string | undefined): PackageLicense {
  if (copyright === undefined || !isDep5(copyright)) return NO_ASSERTION;
  let paragraphs: Record<string, string>[];
  try {
    paragraphs = parseDeb822(tolerant(copyright));
  } catch {
    return NO_ASSERTION;
  }
  // Standalone License paragraphs give the texts of names used elsewhere.
  const texts = new Map<string, string>();
  const used: string[] = [];
  for (const p of paragraphs) {
    const license = p["License"];
    if (license === undefined) continue;
    const [head = "", ...body] = license.split("\n");
    const name = head.trim();
    if (!name) continue;
    const text = body.join("\n").trim();
    if (text && !texts.has(name)) texts.set(name, text);
    // Files paragraphs name the licenses that apply; a header License applies to the whole package too.
    if (p["Files"] !== undefined || p["Format"] !== undefined) used.push(name);
  }
  const names = [...new Set(used)].sort();
  if (names.length === 0) return { ...NO_ASSERTION, machineReadable: true };
  const terms = names.map(termExpression);
  const expressions = [...new Set(terms.map((t) => t.expression))].sort();
  const refNames = [...new Set(terms.flatMap((t) => t.refs))].sort();
  const refs = refNames.map((name) => ({ id: licenseRefId(name), name, text: texts.get(name) ?? `The license named "${name}" in the package's copyright file.` }));
  return {
    expression: expressions.length === 1 ? expressions[0]! : expressions.map((e) => (e.includes(" ") && !e.startsWith("(") ? `(${e})` : e)).join(" AND "),
    names,
    refs: dedupeRefs(refs),
    machineReadable: true,
  };
}

// Two names may clean to one id ("public domain", "public-domain"): keep the first.
function dedupeRefs(refs: LicenseRef[]): LicenseRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}
