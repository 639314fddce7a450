// One graph. The builders' graph lives in their declarations (inputs,
// collections) and runs in one process per system, each builder once; turbo's
// part is to compile, before the system's dist task, every package whose
// builders and modules the system uses. Both come from the same data — the
// systems' modules and builders — and this test fails when turbo's plan
// misses a package the builders need, or when a second task could build.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { turboDependencies } from "@notos/cli/turbo";
import { loadSystem } from "@notos/core";

const repo = fileURLToPath(new URL("../..", import.meta.url));

interface DryTask {
  taskId: string;
  hash: string;
  command: string;
  dependencies: string[];
}

function turboPlan(): Map<string, DryTask> {
  const out = execFileSync(join(repo, "node_modules", ".bin", "turbo"), ["run", "dist", "--dry=json"], { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return new Map((JSON.parse(out) as { tasks: DryTask[] }).tasks.map((t) => [t.taskId, t]));
}

function systemFiles(): string[] {
  const dirs = readdirSync(join(repo, "systems"), { withFileTypes: true }).filter((d) => d.isDirectory());
  return [join(repo, "notos.config.ts"), ...dirs.map((d) => join(repo, "systems", d.name, "notos.config.ts")).filter((f) => existsSync(f))];
}

describe("turbo's plan and the builders' graph", () => {
  const plan = turboPlan();

  it("has exactly one dist task that runs a command: the systems package's `notos dist`", () => {
    const running = [...plan.values()].filter((t) => t.taskId.endsWith("#dist") && t.command !== "<NONEXISTENT>");
    expect(running.map((t) => `${t.taskId}: ${t.command}`)).toEqual(["@notos/systems#dist: notos dist"]);
  });

  it("compiles every package whose builders or modules a system of this repository uses before that task", async () => {
    const systems = await Promise.all(systemFiles().map((file) => loadSystem({ file })));
    const needed = await turboDependencies(systems);
    expect(needed).toContain("@notos/kernel#build");
    expect(needed).toContain("notos-motd-banner#build");
    const before = new Set<string>();
    const visit = (id: string) => {
      for (const d of plan.get(id)?.dependencies ?? []) if (!before.has(d)) (before.add(d), visit(d));
    };
    visit("@notos/systems#dist");
    expect(needed.filter((task) => !before.has(task))).toEqual([]);
  });

  // turbo writes each task's log inside its package: a log among the dist
  // task's inputs made every run a miss, and no two machines' hashes agree.
  it("keys the dist task on the systems' files, not on turbo's log of the last run", () => {
    const log = join(repo, "systems", ".turbo", "turbo-dist.log");
    const saved = existsSync(log) ? readFileSync(log) : undefined;
    const distHash = () => turboPlan().get("@notos/systems#dist")!.hash;
    try {
      mkdirSync(dirname(log), { recursive: true });
      writeFileSync(log, "one run\n");
      const first = distHash();
      writeFileSync(log, "another run\n");
      expect(distHash()).toBe(first);
    } finally {
      if (saved) writeFileSync(log, saved);
      else rmSync(log, { force: true });
    }
  });

  it("lists in the systems package exactly what it needs, so `^build` covers it", async () => {
    const manifest = JSON.parse(readFileSync(join(repo, "systems", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    for (const file of systemFiles()) {
      const source = readFileSync(file, "utf8");
      for (const [, name] of source.matchAll(/from "((?:@[^/"]+\/)?[^./"][^/"]*)/g)) expect(Object.keys(manifest.dependencies), `${file} imports ${name}`).toContain(name);
    }
  });
});
