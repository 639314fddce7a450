#!/usr/bin/env node
// notos bench: run the cases, print the report, write bench/results/latest.{json,md}
// and timeline.svg, compare with bench/baseline.json.
//   --runs N          runs per timed case (default 3)
//   --cases a,b,…     cold, noop, etc, boot (with the timeline), sizes, repro, peer (default: all)
//   --update-baseline write this run's medians to bench/baseline.json
//   --keep            keep the scratch clones, stores and caches
// Exit status 1 when a size is over its budget, the two clean builds differ,
// or a case could not run; never because of a timing.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBootCase } from "./cases/boot.js";
import { runBuildCases, type BuildCase } from "./cases/builds.js";
import { peerMarkdown, runPeerCase, type PeerResult } from "./cases/peer.js";
import { runRepro } from "./cases/repro.js";
import { describeOverrun, measureSizes } from "./cases/sizes.js";
import { benchDir, headCommit } from "./repo.js";
import { collectMetrics, markdown, medianTimeline, toBaseline, type Baseline, type Results } from "./report.js";
import { timelineSvg } from "./svg.js";

const ALL_CASES = ["sizes", "boot", "cold", "noop", "etc", "repro", "peer"] as const;
type Case = (typeof ALL_CASES)[number];

function parseCases(text: string | undefined): Set<Case> {
  if (!text) return new Set(ALL_CASES);
  const cases = text.split(",").map((c) => (c.trim() === "timeline" ? "boot" : c.trim()));
  const unknown = cases.filter((c) => !(ALL_CASES as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`unknown case(s): ${unknown.join(", ")}; the cases are ${ALL_CASES.join(", ")} (timeline comes with boot)`);
  return new Set(cases as Case[]);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      cases: { type: "string" },
      "update-baseline": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a whole number ≥ 1, got ${values.runs}`);
  const cases = parseCases(values.cases);
  const log = (line: string) => process.stdout.write(`bench: ${line}\n`);
  const cpu = cpus();
  const r: Omit<Results, "metrics"> & { peer?: PeerResult } = {
    date: new Date().toISOString(),
    commit: await headCommit(),
    host: { cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? "unknown", node: process.versions.node },
    runs,
    cases: ALL_CASES.filter((c) => cases.has(c)),
    errors: [],
  };
  const attempt = async (name: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      r.errors.push(`${name}: ${message}`);
      log(`${name} failed: ${message}`);
    }
  };

  if (cases.has("sizes")) await attempt("sizes", async () => void (r.sizes = await measureSizes(log)));
  if (cases.has("boot")) {
    await attempt("boot", async () => {
      r.boot = await runBootCase(runs, log);
      r.timeline = medianTimeline(r.boot.runs);
    });
  }
  const buildCases = new Set((["cold", "noop", "etc"] as const).filter((c) => cases.has(c))) as Set<BuildCase>;
  if (buildCases.size) await attempt("builds", async () => void (r.builds = await runBuildCases(buildCases, { runs, keep: values.keep, log })));
  if (cases.has("repro")) await attempt("repro", async () => void (r.repro = await runRepro({ keep: values.keep, log })));
  if (cases.has("peer")) await attempt("peer", async () => void (r.peer = await runPeerCase(runs, { keep: values.keep, log })));

  const results: Results & { peer?: PeerResult } = { ...r, metrics: [...collectMetrics(r), ...(r.peer ? peerMetrics(r.peer) : [])] };
  const baselineFile = join(benchDir, "baseline.json");
  const baseline = existsSync(baselineFile) ? (JSON.parse(await readFile(baselineFile, "utf8")) as Baseline) : undefined;
  const report = markdown(results, baseline) + (results.peer ? `\n${peerMarkdown(results.peer)}` : "");
  const dir = join(benchDir, "results");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "latest.json"), JSON.stringify(results, null, 1) + "\n");
  await writeFile(join(dir, "latest.md"), report);
  if (results.timeline) {
    await writeFile(join(dir, "timeline.svg"), timelineSvg(results.timeline, { ...(results.boot ? { floor: results.boot.floor.median } : {}), title: `notos boot timeline (TCG, median of ${runs} run(s), ${results.commit.slice(0, 12)})` }));
  }
  if (values["update-baseline"]) {
    // Keep the baseline's other cases when only some ran.
    const merged = toBaseline(results);
    if (baseline) merged.metrics = { ...baseline.metrics, ...merged.metrics };
    await writeFile(baselineFile, JSON.stringify(merged, null, 1) + "\n");
    log(`baseline written: ${baselineFile}`);
  }
  process.stdout.write(`\n${report}\n`);
  log(`results: ${join(dir, "latest.md")}, ${join(dir, "latest.json")}${results.timeline ? `, ${join(dir, "timeline.svg")}` : ""}`);

  const problems = [
    ...r.errors.map((e) => e.split("\n")[0]!),
    ...(r.sizes?.budgets.filter((b) => b.over > 0).map(describeOverrun) ?? []),
    ...(r.builds?.etc?.unexpected?.length ? [`an /etc edit rebuilt ${r.builds.etc.unexpected.join(", ")}`] : []),
    ...(r.builds?.etc?.missing?.length ? [`an /etc edit did not rebuild ${r.builds.etc.missing.join(", ")}`] : []),
    ...(r.repro && !r.repro.identical ? [`the two clean builds differ: ${r.repro.files.filter((f) => !f.same).map((f) => f.name).join(", ")}`] : []),
  ];
  for (const p of problems) process.stderr.write(`bench: FAILED: ${p}\n`);
  return problems.length ? 1 : 0;
}

/** The peer case's figures in the flat list the baseline compares. */
function peerMetrics(p: PeerResult): Results["metrics"] {
  return [
    { name: "peer.notos-with-compile", unit: "s", ...p.notosWithCompile },
    { name: "peer.notos-without-compile", unit: "s", ...p.notosWithoutCompile },
    { name: "peer.peer", unit: "s", ...p.peer },
    { name: "peer.ratio-with-compile", unit: "ratio", ...p.ratioWithCompile },
    { name: "peer.ratio-without-compile", unit: "ratio", ...p.ratioWithoutCompile },
  ];
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
