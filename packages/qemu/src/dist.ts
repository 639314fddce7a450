// Assembling dist/: the four files of a notos system plus runvm, written into
// a temporary directory beside the target and renamed into place (core's
// replaceDirectory), so dist/ is never half-written.
import { constants } from "node:fs";
import { chmod, copyFile, utimes, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { replaceDirectory, type SystemConfig } from "@notos/core";
import { DIST_NAMES, distFiles, type DistFiles } from "./args.js";
import { runvmScript } from "./runvm.js";

export interface DistInputs {
  /** Kernel image path. */
  kernel: string;
  /** Initrd path. */
  initrd: string;
  /** root.squashfs path. */
  rootfs: string;
  /** The kernel command line (text). */
  commandLine: string;
  config: SystemConfig;
}

/** Write kernel, initrd, root.squashfs, command-line and runvm into `outDir`, replacing what was there. */
export async function assembleDist(outDir: string, inputs: DistInputs): Promise<DistFiles & { runvm: string }> {
  const target = resolve(outDir);
  await replaceDirectory(target, async (tmp) => {
    // A copy-on-write clone where the file system can, a plain copy elsewhere.
    await copyFile(inputs.kernel, join(tmp, DIST_NAMES.kernel), constants.COPYFILE_FICLONE);
    await copyFile(inputs.initrd, join(tmp, DIST_NAMES.initrd), constants.COPYFILE_FICLONE);
    await copyFile(inputs.rootfs, join(tmp, DIST_NAMES.rootfs), constants.COPYFILE_FICLONE);
    await writeFile(join(tmp, DIST_NAMES.commandLine), `${inputs.commandLine.trim()}\n`);
    await writeFile(join(tmp, DIST_NAMES.runvm), runvmScript(inputs.config));
    // Fixed modes and times: the same inputs give the same dist/, in bytes and in metadata.
    const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? 0);
    for (const name of Object.values(DIST_NAMES)) {
      await chmod(join(tmp, name), name === DIST_NAMES.runvm ? 0o755 : 0o644);
      await utimes(join(tmp, name), epoch, epoch);
    }
    await chmod(tmp, 0o755);
  });
  return { ...distFiles(target), runvm: join(target, DIST_NAMES.runvm) };
}
