// The interactive mode (NixOS's driverInteractive): start a test's nodes and
// hand them to a person — a Node REPL where each node is a variable
// (`await server.succeed("…")`), and `shell("server")` for a command line on
// one node (each line runs there as root; an empty line or EOF leaves).
import { createInterface } from "node:readline/promises";
import { start as startRepl } from "node:repl";
import type { Machine } from "@notos/qemu";
import type { NotosTest } from "./define.js";

export interface InteractIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const defaultIO = (): InteractIO => ({ input: process.stdin, output: process.stdout });

/** A line-by-line shell on one machine: each line runs in the guest; its stdout and a non-zero status are printed. */
export async function machineShell(machine: Machine, io: InteractIO = defaultIO()): Promise<void> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  io.output.write(`${machine.name}: commands run as root (${machine.commandsVia}); an empty line leaves\n`);
  try {
    for (;;) {
      io.output.write(`${machine.name}# `);
      const line = await rl.question("").catch(() => "");
      if (!line.trim()) break;
      try {
        const r = await machine.execute(line, { timeoutMs: 600_000 });
        io.output.write(r.stdout);
        if (r.status !== 0) io.output.write(`[exit status ${r.status}]\n`);
      } catch (e) {
        io.output.write(`${(e as Error).message}\n`);
      }
    }
  } finally {
    rl.close();
  }
}

/** Start the test's nodes and open a REPL on them; stops them when the REPL ends. */
export async function interact(test: NotosTest, io: InteractIO = defaultIO()): Promise<void> {
  io.output.write(`${test.name}: building and starting ${test.plan().map((n) => `${n.name} (${n.address})`).join(", ")}\n`);
  const machines = await test.start({ log: (line) => (line.includes("# ") ? undefined : io.output.write(`${line}\n`)) });
  try {
    io.output.write(
      [
        "The nodes are variables: `await server.succeed(\"uname -a\")`.",
        "`await shell(\"server\")` gives a command line on a node; `await testScript()` runs the test's script.",
        `ssh key for the nodes: ${machines.sshKey}; .exit stops the machines.`,
        "",
      ].join("\n"),
    );
    const repl = startRepl({ prompt: "notos> ", input: io.input, output: io.output, terminal: io.output === process.stdout && process.stdout.isTTY });
    Object.assign(repl.context, machines.nodes, {
      machines,
      shell: (name: string) => machineShell((machines.nodes as Record<string, Machine>)[name]!, io),
      testScript: () => test.spec.testScript?.({ nodes: machines.nodes, machines, sshKey: machines.sshKey }),
    });
    await new Promise<void>((resolve) => repl.on("exit", resolve));
  } finally {
    await machines.stop();
  }
}
