// defineTest: the NixOS test's shape in TypeScript. The nodes, each with its
// own configuration; a test script that drives them. `run()` builds every
// node through the builders (the store answers what did not change), starts
// them in parallel on a private network, runs the script and always stops
// them; a failure carries the paths of each node's console log and screenshot.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NotosError } from "@notos/core";
import type { Machine } from "@notos/qemu";
import { buildNode, type BuildOptions, type BuiltNode } from "./build.js";
import { MachineSet, type StartOptions } from "./machines.js";
import { planNodes, type NodeInput, type PlannedNode } from "./nodes.js";

export interface TestContext<N extends string> {
  /** The machines by node name. */
  nodes: Record<N, Machine>;
  /** The machine set (network, diagnostics). */
  machines: MachineSet<N>;
  /** A private key every node's root accepts (made for this test process, never stored). */
  sshKey: string;
}

export interface TestSpec<N extends string> extends BuildOptions {
  /** Names the test in reports and its results directory. */
  name: string;
  /** The nodes by name; each name is also the node's host name. */
  nodes: Record<N, NodeInput>;
  /** What the test does; `run()` and `describeTest` run it. */
  testScript?: (context: TestContext<N>) => Promise<void>;
  /** Where failures save console logs and screenshots; default test-results/notos/<name> under the working directory. */
  resultsDir?: string;
}

export interface RunOptions extends StartOptions {}

/** A key pair for the test process: the private half stays in a temporary directory of this run. */
let processKey: { key: string; publicKey: string } | undefined;
export function testKey(): { key: string; publicKey: string } {
  if (!processKey) {
    const key = join(mkdtempSync(join(tmpdir(), "notos-test-key-")), "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "notos-test", "-f", key]);
    processKey = { key, publicKey: readFileSync(`${key}.pub`, "utf8").trim() };
  }
  return processKey;
}

/** Built dist/ directories of this process, by test and node: describes of one file boot the same images. */
const builds = new Map<string, Promise<BuiltNode>>();

export class NotosTest<N extends string = string> {
  constructor(readonly spec: TestSpec<N>) {}

  get name(): string {
    return this.spec.name;
  }

  /** Where failure diagnostics go. */
  get resultsDir(): string {
    return resolve(this.spec.resultsDir ?? join("test-results", "notos", this.name.replace(/[^A-Za-z0-9._-]+/g, "-")));
  }

  /** The nodes' full systems, in name order. */
  plan(): PlannedNode[] {
    return planNodes(this.spec.nodes, { publicKey: testKey().publicKey });
  }

  /** Build every node (one after the other: builds use both cores; the store answers what is unchanged). */
  async build(): Promise<Record<string, BuiltNode>> {
    const out: Record<string, BuiltNode> = {};
    for (const node of this.plan()) {
      const id = `${this.name}\0${node.name}`;
      if (!builds.has(id)) builds.set(id, buildNode(node.name, node.module, this.spec));
      const p = builds.get(id)!;
      p.catch(() => builds.delete(id));
      out[node.name] = await p;
    }
    return out;
  }

  /** Build and start every node; dispose of the set (or `await using`) to stop them. */
  async start(options: StartOptions = {}): Promise<MachineSet<N>> {
    const built = await this.build();
    return MachineSet.start<N>(this.plan(), built, testKey().key, options);
  }

  /** Build, start, run the test script, stop. A failure's message ends with the diagnostics' paths. */
  async run(options: RunOptions = {}): Promise<void> {
    const script = this.spec.testScript;
    if (!script) throw new NotosError(`test ${this.name} has no testScript to run`, { code: "TEST_NO_SCRIPT", hint: "give defineTest a testScript, or use start() and drive the machines yourself" });
    const machines = await this.start(options);
    try {
      await script({ nodes: machines.nodes, machines, sshKey: machines.sshKey });
    } catch (e) {
      await attachDiagnostics(e, machines, this.resultsDir);
      throw e;
    } finally {
      await machines.stop();
    }
  }
}

/** Save the machines' console logs and screenshots and name them at the end of the error's message. */
export async function attachDiagnostics(error: unknown, machines: MachineSet, dir: string): Promise<string[]> {
  const files = await machines.saveDiagnostics(dir);
  if (error instanceof Error && files.length) error.message += `\nconsole logs and screenshots:\n${files.map((f) => `  ${f}`).join("\n")}`;
  return files;
}

/** A VM test: nodes, each with its own configuration, and a script that drives them. */
export function defineTest<N extends string>(spec: TestSpec<N>): NotosTest<N> {
  return new NotosTest(spec);
}
