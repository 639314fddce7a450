// The etc layer as a builder of the new contract. Its only read outside the
// configuration is the content of `environment.etc.*.source` host files;
// the fingerprint hashes that content into the store key, so an edit to such
// a file rebuilds the layer even though no option changed.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { defineLayer, defineModule } from "@notos/core";
import { etcLayer } from "./layer.js";
import { ETC_READS, etcOptions, type EtcOptions } from "./options.js";


type Sources = Map<string, Uint8Array | Error>;

/** Every enabled `source` file, read once; an unreadable one keeps its error for etcLayer to report. */
async function readSources(options: EtcOptions): Promise<Sources> {
  const sources: Sources = new Map();
  for (const entry of Object.values(options.environment.etc)) {
    if (!entry.enable || entry.source === undefined || sources.has(entry.source)) continue;
    sources.set(entry.source, await fs.readFile(entry.source).catch((error: Error) => error));
  }
  return sources;
}

/**
 * The bytes the fingerprint hashed, by the options object both calls get
 * (the runner passes the same frozen slice to `fingerprint` and `build`):
 * the layer holds exactly the content its key names, even when a file
 * changes between the two.
 */
const hashed = new WeakMap<EtcOptions, Sources>();

export const etc = defineLayer({
  name: "etc",
  // Bump when the layer changes for the same configuration (2: /etc/profile leaves safe words unquoted).
  version: "2",
  description: "The /etc layer: accounts, host name, os-release, profile and environment.etc.",
  reads: ETC_READS,
  async fingerprint(options) {
    const sources = await readSources(options);
    hashed.set(options, sources);
    const digests: Record<string, string> = {};
    for (const [path, bytes] of sources) {
      digests[path] = bytes instanceof Error ? `unreadable: ${(bytes as NodeJS.ErrnoException).code ?? bytes.message}` : createHash("sha256").update(bytes).digest("hex");
    }
    return digests;
  },
  async build({ options, definitions, reporter }) {
    const sources = hashed.get(options) ?? (await readSources(options));
    const readSource = (path: string): Uint8Array => {
      const bytes = sources.get(path);
      if (bytes === undefined) throw Object.assign(new Error(`cannot read ${path}`), { code: "ENOENT" });
      if (bytes instanceof Error) throw bytes;
      return bytes;
    };
    const layer = etcLayer(options, { readSource, definitions });
    reporter.step("etc layer", `${layer.entries.length} entries`);
    return layer;
  },
});

/** Adds the etc layer to a system, with the options it owns. */
export const etcModule = defineModule({ name: "@notos/etc", builders: [etc], options: etcOptions });
