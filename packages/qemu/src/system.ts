// The whole system, built by composing the builders' typed functions: the
// kernel → initrd chain and the etc, runit → rootfs chain run side by side,
// and each builder answers from the store when its inputs did not change.
import type { BuildContext, LayerArtifact } from "@notos/core";
import { buildEtc } from "@notos/etc";
import { buildInitrd, kernelCommandLine, type InitrdArtifact } from "@notos/initrd";
import { buildKernel, type KernelArtifact } from "@notos/kernel";
import { buildRootfs, type RootfsArtifact } from "@notos/rootfs";
import { buildRunit } from "@notos/runit";
import type { DistFiles } from "./args.js";
import { assembleDist } from "./dist.js";

export interface SystemArtifacts {
  kernel: KernelArtifact;
  initrd: InitrdArtifact;
  etc: LayerArtifact;
  runit: LayerArtifact;
  rootfs: RootfsArtifact;
}

export interface BuildSystemOptions {
  /** Option path → files that set it (from evalSystem/loadSystem), for errors that name modules. */
  definitions?: Map<string, string[]>;
}

export async function buildSystem(ctx: BuildContext, options: BuildSystemOptions = {}): Promise<SystemArtifacts> {
  const layerOptions = options.definitions ? { definitions: options.definitions } : {};
  const boot = (async () => {
    const kernel = await buildKernel(ctx);
    return { kernel, initrd: await buildInitrd(ctx, { kernel }) };
  })();
  const root = (async () => {
    const [etc, runit] = await Promise.all([buildEtc(ctx, layerOptions), buildRunit(ctx, layerOptions)]);
    return { etc, runit, rootfs: await buildRootfs(ctx, { layers: [etc, runit] }) };
  })();
  // Settle both chains before failing, so no builder is left running behind an error.
  const [b, r] = await Promise.allSettled([boot, root]);
  if (b.status === "rejected") throw b.reason;
  if (r.status === "rejected") throw r.reason;
  return { ...b.value, ...r.value };
}

/** Build the system and write dist/ (kernel, initrd, root.squashfs, command-line, runvm) into `outDir`. */
export async function buildDist(
  ctx: BuildContext,
  outDir: string,
  options: BuildSystemOptions = {},
): Promise<{ artifacts: SystemArtifacts; files: DistFiles & { runvm: string } }> {
  const artifacts = await buildSystem(ctx, options);
  const files = await assembleDist(outDir, {
    kernel: artifacts.kernel.image,
    initrd: artifacts.initrd.file,
    rootfs: artifacts.rootfs.image,
    commandLine: kernelCommandLine(ctx.config),
    config: ctx.config,
  });
  return { artifacts, files };
}
