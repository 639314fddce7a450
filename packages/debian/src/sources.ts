// apt sources → where each wanted suite comes from. Parsing is pure; reading
// the host's files is one small function at the edge.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { field, parseDeb822 } from "./deb822.js";
import { DebianError } from "./errors.js";

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  signedBy?: string;
  architectures?: string[];
}

const words = (value: string | undefined): string[] => (value ?? "").split(/\s+/).filter(Boolean);

/** Parse a deb822 `.sources` file. Stanzas with `Enabled: no` are dropped. */
export function parseDeb822Sources(text: string): AptSource[] {
  return parseDeb822(text, { comments: true })
    .filter((p) => (field(p, "Enabled") ?? "yes").toLowerCase() !== "no")
    .map((p) => {
      const source: AptSource = {
        types: words(field(p, "Types")),
        uris: words(field(p, "URIs")),
        suites: words(field(p, "Suites")),
        components: words(field(p, "Components")),
      };
      const signedBy = field(p, "Signed-By")?.trim();
      // An inline key block cannot be handed to gpgv as a path; fall back to the configured keyring.
      if (signedBy && !signedBy.includes("\n")) source.signedBy = signedBy;
      const arch = words(field(p, "Architectures"));
      if (arch.length) source.architectures = arch;
      return source;
    });
}

/** Parse one-line-style `sources.list` text: `deb [opt=val ...] uri suite component...`. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const type = line.split(/\s+/, 1)[0]!;
    line = line.slice(type.length).trim();
    const options: Record<string, string> = {};
    if (line.startsWith("[")) {
      const end = line.indexOf("]");
      if (end < 0) continue;
      for (const opt of words(line.slice(1, end))) {
        const eq = opt.indexOf("=");
        if (eq > 0) options[opt.slice(0, eq).toLowerCase()] = opt.slice(eq + 1);
      }
      line = line.slice(end + 1).trim();
    }
    const [uri, suite, ...components] = words(line);
    if (!uri || !suite) continue;
    const source: AptSource = { types: [type], uris: [uri], suites: [suite], components };
    if (options["signed-by"]) source.signedBy = options["signed-by"];
    if (options.arch) source.architectures = options.arch.split(",");
    sources.push(source);
  }
  return sources;
}

export interface SuiteSource {
  suite: string;
  /** Archive root, without a trailing slash ("http://mirror.example/debian"). */
  uri: string;
  components: string[];
  /** Keyring file InRelease is verified against. */
  keyring: string;
}

export interface SourceSettings {
  suites: string[];
  components: string[];
  architecture: string;
  mirror?: string | undefined;
  securityMirror?: string | undefined;
  keyring: string;
}

const trimSlash = (uri: string): string => uri.replace(/\/+$/, "");
const isSecurity = (suite: string): boolean => suite.endsWith("-security");

/**
 * Decide, for every wanted suite, the archive URI and keyring. An override
 * (the mirror options) wins; otherwise the first enabled `deb` source that
 * serves the suite with every wanted component. Sources that do not serve a
 * wanted suite (other vendors' repositories) are ignored.
 */
export function selectSuiteSources(host: AptSource[], settings: SourceSettings): SuiteSource[] {
  return settings.suites.map((suite) => {
    const match = host.find(
      (s) =>
        s.types.includes("deb") &&
        s.suites.includes(suite) &&
        settings.components.every((c) => s.components.includes(c)) &&
        (!s.architectures || s.architectures.includes(settings.architecture)),
    );
    const override = isSecurity(suite) ? settings.securityMirror : settings.mirror;
    const uri = override ?? match?.uris[0];
    if (!uri) {
      const option = isSecurity(suite) ? "debian.securityMirror" : "debian.mirror (or NOTOS_DEBIAN_MIRROR)";
      throw new DebianError(`no apt source serves the suite ${suite} (components ${settings.components.join(", ")})`, {
        hint: `add it to the host's apt sources (/etc/apt/sources.list.d/*.sources), set ${option} in the configuration, or drop the suite from debian.suites`,
      });
    }
    return { suite, uri: trimSlash(uri), components: settings.components, keyring: match?.signedBy ?? settings.keyring };
  });
}

/** Read the host's apt sources (disabled files — any other file name ending — are skipped). */
export async function readHostSources(aptDir = "/etc/apt"): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const read = async (path: string): Promise<string | undefined> => {
    try {
      return await fs.readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  };
  const main = await read(join(aptDir, "sources.list"));
  if (main) sources.push(...parseOneLineSources(main));
  let names: string[] = [];
  try {
    names = (await fs.readdir(join(aptDir, "sources.list.d"))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  for (const name of names) {
    const text = name.endsWith(".sources") || name.endsWith(".list") ? await read(join(aptDir, "sources.list.d", name)) : undefined;
    if (text === undefined) continue;
    sources.push(...(name.endsWith(".sources") ? parseDeb822Sources(text) : parseOneLineSources(text)));
  }
  return sources;
}

/** The suite sources for a configuration's `debian` section, from the host's apt sources and the overrides. */
export async function suiteSources(
  debian: { suites: string[]; components: string[]; architecture: string; mirror?: string | undefined; securityMirror?: string | undefined; keyring: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<SuiteSource[]> {
  const host = await readHostSources();
  return selectSuiteSources(host, { ...debian, mirror: env.NOTOS_DEBIAN_MIRROR || debian.mirror });
}
