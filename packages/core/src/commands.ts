// The `notos` command: options, eval, gc. Kept apart from the bin file so
// tests can run it in-process with their own output streams.
import { formatError, NotosError } from "./errors.js";
import { loadSystem } from "./load.js";
import { listOptions } from "./options.js";
import { collectGarbage } from "./roots.js";
import { systemArgument } from "./task.js";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd?: string;
}

const USAGE = `usage: notos <command> [options]

commands:
  options [--json]                  list every option with its type, default and description
  eval [--system FILE] [--json]     print the evaluated configuration
  gc [--system FILE]                remove store entries no task output refers to, and leftover temporary directories

The configuration is --system FILE, else NOTOS_SYSTEM, else notos.config.ts in the working directory or above.
`;

/** Run the CLI; resolves with the exit status. */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const json = rest.includes("--json");
    const unknown = rest.filter((a, i) => a.startsWith("-") && a !== "--json" && a !== "--system" && !a.startsWith("--system=") && rest[i - 1] !== "--system");
    if (unknown.length) throw new NotosError(`Unknown option ${unknown.join(", ")} for \`notos ${command}\`.`, { code: "USAGE", hint: "run `notos --help`." });
    switch (command) {
      case "options":
        io.stdout(json ? JSON.stringify(listOptions(), null, 2) + "\n" : renderOptions());
        return 0;
      case "eval": {
        const system = await loadSystem(loadOptions(rest, io));
        io.stdout(json ? JSON.stringify(system.config, null, 2) + "\n" : flatten(system.config).join("\n") + "\n");
        return 0;
      }
      case "gc": {
        const system = await loadSystem(loadOptions(rest, io));
        const removed = await collectGarbage(system.storeDir, system.dir);
        io.stdout(removed.length ? removed.map((r) => `removed ${r}\n`).join("") : "nothing to remove\n");
        return 0;
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new NotosError(`Unknown command ${JSON.stringify(command)}.`, { code: "USAGE", hint: "the commands are options, eval and gc (`notos --help`)." });
    }
  } catch (error) {
    io.stderr(formatError(error) + "\n");
    return 1;
  }
}

const defaultIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

function loadOptions(args: readonly string[], io: CliIO): { file?: string; cwd?: string } {
  const file = systemArgument(args);
  return { ...(file !== undefined ? { file } : {}), ...(io.cwd !== undefined ? { cwd: io.cwd } : {}) };
}

function renderOptions(): string {
  return listOptions()
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
