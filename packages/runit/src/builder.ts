// The runit layer as a builder of the new contract. The layer is a pure
// function of its options, so the store key (slice + version) covers all of
// it and the builder needs no fingerprint and no packages. Its scripts run
// under the boot shell, the busybox that the initrd's stage 1 leaves in the
// root with the layers (shell.ts).
import { defineLayer, defineModule } from "@notos/core";
import { etcModule } from "@notos/etc";
import { runitLayer } from "./layer.js";
import { RUNIT_READS, runitOptions } from "./options.js";

export const runit = defineLayer({
  name: "runit",
  // Bump when the layer changes for the same configuration (3: a shorter stage 1, stage 3 stops every service at once; 4: the stage-2 init tests /run with the shell; 5: stage 3 leaves the sync to runit, poweroff starts one program; 6: the scripts run under the boot shell; 7: poweroff, reboot and Ctrl-Alt-Del end runsvdir themselves).
  version: "7",
  description: "The runit layer: stages 1-3, services, poweroff/reboot/halt and the stage-2 init.",
  reads: RUNIT_READS,
  build({ options, definitions, reporter }) {
    // No `paths`: a system always gets the real outside paths (they exist for tests only).
    const layer = runitLayer(options, { definitions });
    reporter.step("runit layer", `${layer.entries.length} entries`);
    return layer;
  },
});

/**
 * Adds the runit layer to a system, with the options it owns. The layer
 * also reads accounts and networking, which etc declares: importing
 * etcModule gives every system with runit those options (and the etc layer
 * that writes the matching /etc files).
 */
export const runitModule = defineModule({ name: "@notos/runit", imports: [etcModule], builders: [runit], options: runitOptions });
