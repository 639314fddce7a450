// The runit layer as data: a pure function of its slice of the configuration.
import { IssueCollector, type Definitions } from "@notos/core/graph";
import type { Layer } from "@notos/core/tree";
import { stage2InitScript } from "./init.js";
import type { RunitOptions } from "./options.js";
import type { RunitPaths } from "./paths.js";
import { serviceEntries, validateServices } from "./services.js";
import { stage1Entries, validateStage1 } from "./stage1.js";
import { controlEntries } from "./stages.js";
import { file, withParents } from "./tree.js";

export interface RunitLayerOptions {
  /** `evalSystem`'s option path → module files map, so errors name the modules. */
  definitions?: Definitions;
  /**
   * Tests only: where the control scripts and the stage-2 init reach outside
   * themselves, so they can run on a test machine without touching it.
   * buildRunit never passes it: a system always gets the real paths.
   */
  paths?: Partial<RunitPaths>;
}

/**
 * runit's stages, the services, poweroff/reboot/halt and the stage-2 init.
 * Throws a ConfigError listing every invalid option.
 */
export function runitLayer(config: RunitOptions, options: RunitLayerOptions = {}): Layer {
  const issues = new IssueCollector(options.definitions);
  validateServices(config, issues);
  validateStage1(config, issues);
  const init = config.boot.stage2Init;
  if (init.split("/").includes("..") || init.endsWith("/")) issues.add(["boot", "stage2Init"], "must be a plain absolute file path");
  issues.throwIfAny();
  return {
    name: "runit",
    entries: withParents([
      ...stage1Entries(config),
      ...controlEntries(config, options.paths),
      ...serviceEntries(config.services),
      file(init, stage2InitScript(options.paths), 0o755),
    ]),
  };
}
