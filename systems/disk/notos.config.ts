// The default system with its disk images: dist/ gets disk.img (raw GPT),
// disk.qcow2 and disk.iso (hybrid) beside the files of a direct kernel
// boot. Images take a few seconds more per build, so the default system
// leaves them out and this one opts in:
//   NOTOS_SYSTEM=systems/disk/notos.config.ts npm run dist
//   ./dist/runvm --disk --uefi      (or --disk, --iso)
import { defineSystem } from "@notos/core";
import { diskModule } from "@notos/disk";
import defaultSystem from "../../notos.config.ts";

export default defineSystem({
  imports: [defaultSystem, diskModule],
});
