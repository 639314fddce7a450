// What a node of a test is: its own system (a module, as a notos.config.ts
// would import it) on top of the standard base, plus what the test adds —
// its host name, its address on the test's private network, every node's
// name in /etc/hosts, root's key for ssh, and the test shell unless the node
// is to be driven over ssh. Pure: names in, modules out.
import { NotosError, defineModule, type Module, type ModuleDefinition } from "@notos/core";
import { base, qemuGuest } from "@notos/modules";
import { testInstrumentation } from "@notos/qemu";

export interface NodeSpec {
  /** The node's own configuration: a module, as a notos.config.ts would import it. */
  module: Module;
  /** Drive it through the test shell (the default) or, with `false`, over ssh with the test's key. */
  testShell?: boolean;
  /** Guest memory in MiB; default the system's. */
  memory?: number;
}

/** A node as the test wrote it: its system alone, or the full spec. */
export type NodeInput = Module | NodeSpec;

export interface PlannedNode {
  name: string;
  /** 1, 2, … in name order: the last byte of its address and of its MACs. */
  index: number;
  address: string;
  testShell: boolean;
  /** The whole system to build. */
  module: Module;
}

/** The first three bytes of the private network's addresses (NixOS's 192.168.1.0/24). */
export const TEST_SUBNET = "192.168.1";
/** The user-mode network stays eth0 (port forwards); the private network is eth1. */
export const TEST_INTERFACE = "eth1";

const HOSTNAME = /^[a-z][a-z0-9-]{0,62}$/;

function isSpec(input: NodeInput): input is NodeSpec {
  return typeof input === "object" && input !== null && "module" in input;
}

/** Every node's full system, in name order. */
export function planNodes(nodes: Record<string, NodeInput>, options: { publicKey: string }): PlannedNode[] {
  const names = Object.keys(nodes).sort();
  if (names.length === 0) throw new NotosError("defineTest needs at least one node", { code: "TEST_NO_NODES", hint: "nodes: { machine: { imports: [...] } }" });
  if (names.length > 250) throw new NotosError(`${names.length} nodes are more than one /24 network holds`, { code: "TEST_NODES", hint: "use at most 250 nodes" });
  for (const name of names) {
    if (!HOSTNAME.test(name))
      throw new NotosError(`the node name "${name}" is not a host name`, { code: "TEST_NODE_NAME", hint: "node names become host names: lower-case letters, digits and '-', starting with a letter" });
  }
  const hosts = Object.fromEntries(names.map((n, i) => [`${TEST_SUBNET}.${i + 1}`, [n]]));
  return names.map((name, i) => {
    const input = nodes[name]!;
    const spec: NodeSpec = isSpec(input) ? input : { module: input };
    const index = i + 1;
    const address = `${TEST_SUBNET}.${index}`;
    const testShell = spec.testShell ?? true;
    const test: ModuleDefinition = {
      name: `test node ${name}`,
      networking: {
        hostname: name,
        // base's eth0 is a default that any value replaces: keep it beside eth1.
        interfaces: { eth0: { address: "10.0.2.15/24", gateway: "10.0.2.2" }, [TEST_INTERFACE]: { address: `${address}/24` } },
        hosts,
      },
      users: { root: { authorizedKeys: [options.publicKey] } },
      ...(spec.memory ? { qemu: { memory: spec.memory } } : {}),
    } as ModuleDefinition;
    const imports: Module[] = [base, qemuGuest, ...(testShell ? [testInstrumentation] : []), spec.module, defineModule(test)];
    return { name, index, address, testShell, module: defineModule({ name: `node ${name}`, imports } as ModuleDefinition) };
  });
}
