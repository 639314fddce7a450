// A test's running machines: one private network, every node started in
// parallel on it, and what a failure needs — each node's console log and a
// screenshot saved next to the test's results. Disposing of the set kills
// every QEMU and stops the network.
import { join } from "node:path";
import { Machine, VirtualNetwork } from "@notos/qemu";
import type { BuiltNode } from "./build.js";
import type { PlannedNode } from "./nodes.js";

export interface StartOptions {
  /** Write each node's console to <dir>/<node>.console.log as it runs. */
  consoleDir?: string;
  /** Receives the driver's log lines. */
  log?: (line: string) => void;
  /** Time allowed for every node to take commands; default 5 minutes (TCG). */
  bootTimeoutMs?: number;
}

export class MachineSet<N extends string = string> implements AsyncDisposable {
  private constructor(
    /** The machines by node name. */
    readonly nodes: Record<N, Machine>,
    /** The private network they share. */
    readonly network: VirtualNetwork,
    /** The private key every node's root accepts. */
    readonly sshKey: string,
  ) {}

  /** Start every node at once, then wait until each takes commands (test shell or ssh). */
  static async start<N extends string>(planned: PlannedNode[], built: Record<string, BuiltNode>, sshKey: string, options: StartOptions = {}): Promise<MachineSet<N>> {
    const network = await VirtualNetwork.create({ name: "test" });
    const machines = planned.map(
      (node) =>
        new Machine({
          dist: built[node.name]!.dist,
          config: built[node.name]!.config,
          name: node.name,
          index: node.index,
          networks: [{ network }],
          ...(node.testShell ? {} : { ssh: { key: sshKey } }),
          ...(options.consoleDir ? { consoleLog: join(options.consoleDir, `${node.name}.console.log`) } : {}),
          ...(options.log ? { log: options.log } : {}),
        }),
    );
    const set = new MachineSet<N>(Object.fromEntries(machines.map((m) => [m.name, m])) as Record<N, Machine>, network, sshKey);
    try {
      await Promise.all(machines.map((m) => m.start()));
      await Promise.all(machines.map((m) => m.waitForShell({ timeoutMs: options.bootTimeoutMs ?? 300_000 })));
    } catch (e) {
      await set.stop();
      throw e;
    }
    return set;
  }

  /** Every machine. */
  get machines(): Machine[] {
    return Object.values(this.nodes);
  }

  /** Save every node's console log and (while it runs) a screenshot into `dir`; the files written. */
  async saveDiagnostics(dir: string): Promise<string[]> {
    return (await Promise.all(this.machines.map((m) => m.saveDiagnostics(dir)))).flat();
  }

  /** Kill every QEMU and stop the network. */
  async stop(): Promise<void> {
    await Promise.all(this.machines.map((m) => m[Symbol.asyncDispose]()));
    await this.network.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
