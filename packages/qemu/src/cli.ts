#!/usr/bin/env node
// notos-qemu: the launcher side of notos from the command line.
//   dist [--system FILE]                       build the system; write dist/ at the repository root and out/runvm
//   runvm [--system FILE]                      print the runvm script of the system
//   assemble --kernel K --initrd I --rootfs R --command-line TEXT --out DIR [--system FILE]
//                                              write a dist directory from built artifacts
//   probe-kvm --kernel K                       print "kvm" or "tcg"
import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { findRepoRoot, formatError, loadSystem, NotosError, runTask } from "@notos/core";
import { accelProbe } from "./accel.js";
import { assembleDist } from "./dist.js";
import { runvmScript } from "./runvm.js";
import { buildDist } from "./system.js";

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      system: { type: "string" },
      kernel: { type: "string" },
      initrd: { type: "string" },
      rootfs: { type: "string" },
      "command-line": { type: "string" },
      out: { type: "string" },
    },
  });
  const system = () => loadSystem(values.system !== undefined ? { file: values.system } : {});
  const need = (name: keyof typeof values): string => {
    const v = values[name];
    if (v === undefined) throw new NotosError(`${command} needs --${name}`, { code: "USAGE" });
    return v;
  };
  switch (command) {
    case "dist":
      // runTask loads the system (--system / NOTOS_SYSTEM), reports, records GC roots and writes out/.
      let built: import("@notos/core").SystemConfig | undefined;
      return runTask(
        "qemu",
        async (ctx) => {
          built = ctx.config;
          // dist/ sits at the repository root whichever system is built, where turbo caches it.
          const distDir = join(findRepoRoot(ctx.system.dir) ?? ctx.system.dir, "dist");
          const { artifacts } = await buildDist(ctx, distDir, { definitions: ctx.system.definitions });
          process.stdout.write(`dist: ${relative(process.cwd(), distDir) || "."}\n`);
          return Object.values(artifacts);
        },
        async (_artifacts, out) => {
          await writeFile(join(out, "runvm"), runvmScript(built!), { mode: 0o755 });
        },
      );
    case "runvm":
      process.stdout.write(runvmScript((await system()).config));
      return;
    case "assemble": {
      const files = await assembleDist(need("out"), {
        kernel: need("kernel"),
        initrd: need("initrd"),
        rootfs: need("rootfs"),
        commandLine: need("command-line"),
        config: (await system()).config,
      });
      process.stdout.write(`dist: ${files.runvm}\n`);
      return;
    }
    case "probe-kvm":
      process.stdout.write(`${await accelProbe({ kernel: need("kernel") })}\n`);
      return;
    default:
      throw new NotosError(`unknown command ${command ?? "(none)"}`, { code: "USAGE", hint: "commands: runvm, assemble, probe-kvm" });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(formatError(error) + "\n");
  process.exit(1);
});
