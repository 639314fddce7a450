// The etc layer as data: a pure function of its slice of the configuration
// (and of the bytes of `source` files, which the caller may supply).
import { IssueCollector, type Definitions } from "@notos/core/graph";
import type { Layer, TreeEntry } from "@notos/core/tree";
import { etcFileEntry, readHostFile, type ReadSource } from "./files.js";
import { networkEntries, validateNetworking } from "./network.js";
import type { EtcOptions } from "./options.js";
import { nsswitch, osRelease, profile, shells, validateVariables } from "./system.js";
import { withParents } from "./tree.js";
import { accountEntries, validateAccounts } from "./users.js";

export interface EtcLayerOptions {
  /** Content of `source` files; by default they are read from the host. */
  readSource?: ReadSource;
  /** `evalSystem`'s option path → module files map, so errors name the modules. */
  definitions?: Definitions;
}

/**
 * Every file of /etc that the configuration decides, plus the users' home
 * directories. `environment.etc` entries win over the generated files of the
 * same name (and `enable: false` removes a generated file).
 * Throws a ConfigError listing every invalid option.
 */
export function etcLayer(config: EtcOptions, options: EtcLayerOptions = {}): Layer {
  const issues = new IssueCollector(options.definitions);
  validateAccounts(config.users, config.groups, issues);
  validateNetworking(config.networking, issues);
  validateVariables(config.environment.variables, issues);

  const generated: TreeEntry[] = [
    ...accountEntries(config.users, config.groups),
    ...networkEntries(config.networking),
    osRelease(config.system),
    profile(config.environment.variables),
    nsswitch(),
    shells(config.users),
  ];

  const byPath = new Map(generated.map((e) => [e.path, e]));
  const read = options.readSource ?? readHostFile;
  for (const key of Object.keys(config.environment.etc).sort()) {
    const entry = config.environment.etc[key]!;
    if (!entry.enable) {
      byPath.delete(`/etc/${key}`);
      continue;
    }
    const made = etcFileEntry(key, entry, read, issues);
    if (made) byPath.set(made.path, made);
  }
  for (const [path, entry] of byPath) {
    const blocker = [...byPath.values()].find((e) => e.type !== "dir" && path.startsWith(e.path + "/"));
    if (blocker) issues.add(["environment", "etc", path.replace(/^\/etc\//, "")], `${entry.path} would be inside ${blocker.path}, which is a ${blocker.type}`);
  }
  issues.throwIfAny();
  return { name: "etc", entries: withParents([...byPath.values()]) };
}
