// The `notos` command, on top of every builder a system's modules add. Kept
// apart from the bin file so tests run it in-process with their own streams.
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { NotosError, formatError, listOptions, loadSystem, type LoadedSystem } from "@notos/core";
import { buildGraph, optionSlice } from "@notos/core/graph";
import { createReporter, formatEvent, type ProgressEvent, type Reporter } from "@notos/core/progress";
import { collectGarbage } from "@notos/core/store";
import { lockSets } from "./lock.js";
import { progressReporter } from "./progress.js";
import { carryDirectory, writeCarry } from "./carry.js";
import { assembleDist, buildSystem, distDirectory, systemPackages } from "./system.js";
import { turboDependencies } from "./turbo.js";
import { explain } from "./why.js";
import { diffCommand } from "./diff.js";
import { siteCommand } from "./site.js";
import { keygenCommand } from "./keygen.js";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where relative files and the upward search for notos.config.ts start. */
  cwd?: string;
  /** Live progress on a terminal; default: whether stderr is one. */
  interactive?: boolean;
}

export const USAGE = `usage: notos <command> [--system FILE] [options]

commands:
  dist [--out DIR]          build every builder of the system and write dist/ (at the repository root)
  build <builder>...        build these builders (and what they need) into the store
  path <builder>            print the store entry of a builder's output (building it if needed)
  options [--json]          list every option of the system with its type, default and description
  schema                    print a JSON Schema of the system's options (for editors and CI)
  why [<builder>...]        what would rebuild now, and what changed since the last build
  eval [--json]             print the evaluated configuration
  graph [--json | --turbo]  the builders, their inputs and packages; --turbo: the package build
                            tasks turbo's dist task must depend on
  lock [--refresh]          bring notos.lock.json up to date with the builders' package sets
  gc                        remove store entries no recorded build (of any system sharing the store) used
  diff A [B] [--json]       compare two builds' packages, files and sizes (their SBOMs); each a dist/
                            directory or a git revision, built from a temporary checkout with the notos
                            packages installed now; without B, A and the working tree
  site [DIST] [--out DIR]   a static site of what the build wrote (default: dist/ → site/)
  keygen [--dir DIR]        make the signing key pair builds sign with (default: $XDG_CONFIG_HOME/notos/keys)

The configuration is --system FILE, else NOTOS_SYSTEM, else notos.config.ts in the working directory or above.
`;

const defaultIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

/** Run the CLI; resolves with the exit status. */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === "keygen") return await keygenCommand(rest, io);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        system: { type: "string" },
        json: { type: "boolean", default: false },
        turbo: { type: "boolean", default: false },
        refresh: { type: "boolean", default: false },
        out: { type: "string" },
      },
    });
    const load = () => loadSystem({ ...(values.system !== undefined ? { file: values.system } : {}), ...(io.cwd !== undefined ? { cwd: io.cwd } : {}) });
    const reporter = (): Reporter =>
      (io.interactive ?? process.stderr.isTTY) ? progressReporter(io.stderr) : createReporter({ sink: (e) => io.stderr(formatPlain(e)) });
    switch (command) {
      case "dist": {
        const system = await load();
        const started = performance.now();
        const out = values.out !== undefined ? resolve(io.cwd ?? process.cwd(), values.out) : distDirectory(system);
        const built = await buildSystem(system, { reporter: reporter(), distDir: out });
        const files = await assembleDist(out, built, system.config);
        await writeCarry(carryDirectory(out), built.entries);
        summary(io, built.realisations, started);
        io.stdout(`dist: ${relative(io.cwd ?? process.cwd(), out) || "."} (${[...files.keys()].join(", ")})\n`);
        return 0;
      }
      case "build": {
        if (positionals.length === 0) throw new NotosError("`notos build` needs the names of builders.", { code: "USAGE", hint: "`notos graph` lists them." });
        const system = await load();
        const started = performance.now();
        const built = await buildSystem(system, { reporter: reporter(), only: positionals });
        summary(io, built.realisations, started);
        for (const name of positionals) io.stdout(`${name}: ${built.artifacts.get(name)!.path}\n`);
        return 0;
      }
      case "path": {
        if (positionals.length !== 1) throw new NotosError("`notos path` takes one builder name.", { code: "USAGE", hint: "e.g. `notos path kernel`; `notos graph` lists the builders." });
        const system = await load();
        const built = await buildSystem(system, { reporter: createReporter({ level: "warn", sink: (e) => io.stderr(formatPlain(e)) }), only: positionals });
        io.stdout(`${built.artifacts.get(positionals[0]!)!.path}\n`);
        return 0;
      }
      case "options": {
        const system = await load();
        const options = listOptions(system.schema);
        io.stdout(values.json ? JSON.stringify(options, null, 2) + "\n" : renderOptions(options));
        return 0;
      }
      case "schema": {
        const system = await load();
        io.stdout(JSON.stringify(jsonSchema(system), null, 2) + "\n");
        return 0;
      }
      case "why": {
        const system = await load();
        const explanations = await explain(system, systemPackages(system, createReporter({ sink: (e) => io.stderr(formatPlain(e)) })), positionals.length ? positionals : undefined);
        for (const e of explanations) {
          io.stdout(`${e.builder}: ${e.status === "cached" ? "up to date (in the store)" : e.status === "build" ? "would build" : "would build after its inputs"}\n`);
          for (const c of e.status === "cached" ? [] : e.changes) io.stdout(`  ${c}\n`);
        }
        return 0;
      }
      case "eval": {
        const system = await load();
        io.stdout(values.json ? JSON.stringify(system.config, null, 2) + "\n" : flatten(system.config).join("\n") + "\n");
        return 0;
      }
      case "graph": {
        const system = await load();
        if (values.turbo) {
          io.stdout(JSON.stringify(await turboDependencies([system]), null, 2) + "\n");
          return 0;
        }
        const graph = buildGraph(system.builders);
        const rows = graph.builders.map((b) => ({ builder: b.name, version: b.version, reads: b.reads, inputs: graph.dependencies(b), roles: b.roles, packages: b.packageSets(optionSlice(system.config, b.reads, b.name)).map((s) => s.name) }));
        io.stdout(values.json ? JSON.stringify(rows, null, 2) + "\n" : rows.map((r) => `${r.builder}@${r.version}${r.inputs.length ? ` ← ${r.inputs.join(", ")}` : ""}\n  reads ${r.reads.join(", ") || "nothing"}\n`).join(""));
        return 0;
      }
      case "lock": {
        const system = await load();
        const lines = await lockSets(system, { refresh: values.refresh, reporter: reporter() });
        io.stdout(lines.join("\n") + "\n");
        return 0;
      }
      case "gc": {
        const system = await load();
        const removed = await collectGarbage(system.storeDir);
        io.stdout(removed.length ? removed.map((r) => `removed ${r}\n`).join("") : "nothing to remove\n");
        return 0;
      }
      case "diff":
        return await diffCommand(positionals, { json: values.json, ...(values.system !== undefined ? { system: values.system } : {}), reporter }, io);
      case "site":
        return await siteCommand(await load(), positionals, { ...(values.out !== undefined ? { out: values.out } : {}) }, io);
      default:
        throw new NotosError(`Unknown command ${JSON.stringify(command)}.`, { code: "USAGE", hint: "`notos --help` lists the commands." });
    }
  } catch (error) {
    const message = error instanceof TypeError && (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
      ? formatError(new NotosError(error.message, { code: "USAGE", hint: "`notos --help` lists the commands and their options." }))
      : formatError(error);
    io.stderr(message + "\n");
    return 1;
  }
}

function summary(io: CliIO, realisations: readonly { builder: string; cached: boolean; seconds: number }[], started: number): void {
  for (const r of realisations) io.stdout(`${r.builder}: ${r.cached ? "cached" : `built in ${r.seconds.toFixed(1)}s`}\n`);
  io.stdout(`${realisations.filter((r) => !r.cached).length} of ${realisations.length} builders did work, ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
}

/** One plain line per event off a terminal; byte counts only make sense redrawn in place. */
function formatPlain(event: ProgressEvent): string {
  return event.type === "bytes" ? "" : `${formatEvent(event)}\n`;
}

/** The JSON Schema of what a configuration may write (inputs: defaults make options optional). */
export function jsonSchema(system: Pick<LoadedSystem, "schema">): Record<string, unknown> {
  return z.toJSONSchema(system.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

function renderOptions(options: ReturnType<typeof listOptions>): string {
  return options
    .map((o) => {
      const lines = [o.path, `  type: ${o.type}`];
      if (o.hasDefault) lines.push(`  default: ${JSON.stringify(o.default)}`);
      else lines.push(o.required ? "  required" : "  optional (unset unless a module sets it)");
      if (o.description) lines.push(`  ${o.description}`);
      return lines.join("\n") + "\n";
    })
    .join("\n");
}

/** `path = value` lines, one per leaf (empty lists and records shown as such). */
export function flatten(value: unknown, path = ""): string[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${path} = {}`];
    return entries.flatMap(([k, v]) => flatten(v, path ? `${path}.${/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k)}` : k));
  }
  return [`${path} = ${JSON.stringify(value)}`];
}
