// Results: the flat list of metrics (what the baseline compares), and the
// Markdown report. Timings are compared with the baseline and the delta is
// shown, never judged as a failure: this machine is too noisy for that.
import { bytes, seconds, summarize, type Summary } from "./stats.js";
import type { BootResult } from "./cases/boot.js";
import { ETC_EDIT_MUST_BUILD, type BuildCase, type BuildCaseResult } from "./cases/builds.js";
import type { ReproResult } from "./cases/repro.js";
import { describeOverrun, type SizesResult } from "./cases/sizes.js";
import { timelineTable, type TimelineEvent } from "./timeline.js";

export type Unit = "s" | "bytes" | "ratio";

export interface Metric extends Summary {
  name: string;
  unit: Unit;
}

export interface Results {
  date: string;
  commit: string;
  host: { cpus: number; cpuModel: string; node: string };
  runs: number;
  cases: string[];
  metrics: Metric[];
  builds?: Partial<Record<BuildCase, BuildCaseResult>>;
  boot?: BootResult;
  timeline?: TimelineEvent[];
  sizes?: SizesResult;
  repro?: ReproResult;
  /** Cases that could not run, with the reason. */
  errors: string[];
}

export interface Baseline {
  commit: string;
  date: string;
  host: Results["host"];
  metrics: Record<string, { median: number; unit: Unit }>;
}

export function collectMetrics(r: Omit<Results, "metrics">): Metric[] {
  const m: Metric[] = [];
  const add = (name: string, unit: Unit, s: Summary) => m.push({ name, unit, ...s });
  for (const c of ["cold", "noop", "etc"] as const) if (r.builds?.[c]) add(`build.${c}`, "s", r.builds[c]!.time);
  if (r.boot) {
    add("boot.floor", "s", r.boot.floor);
    for (const [f, v] of Object.entries(r.boot.figures)) {
      add(`boot.${f}`, "s", v.time);
      add(`boot.${f}.above-floor`, "s", v.aboveFloor);
      add(`boot.${f}.ratio`, "ratio", v.ratio);
    }
    add("boot.poweroff", "s", r.boot.poweroff);
    if (r.boot.stopServices) add("boot.poweroff.stop-services", "s", r.boot.stopServices);
    // The guest's own timeline under -icount, for comparing stops: "sshd listens (its pid file)" → boot.icount.sshd-listens-its-pid-file.
    for (const e of r.boot.guestTime ?? []) add(`boot.icount.${e.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`, "s", summarize([e.guest!]));
  }
  if (r.sizes) {
    const one = (name: string, n: number) => add(name, "bytes", summarize([n]));
    one("size.kernel", r.sizes.kernel);
    for (const [c, n] of Object.entries(r.sizes.initrdBy)) one(`size.initrd.${c}`, n);
    one("size.root.squashfs", r.sizes.rootfs);
  }
  return m;
}

/** Median timeline across runs: each event's median host and guest time. */
export function medianTimeline(runs: readonly { timeline: TimelineEvent[] }[]): TimelineEvent[] {
  const names = [...new Set(runs.flatMap((r) => r.timeline.map((e) => e.name)))];
  return names.map((name) => {
    const events = runs.map((r) => r.timeline.find((e) => e.name === name)).filter((e): e is TimelineEvent => e !== undefined);
    const med = (xs: number[]) => (xs.length ? summarize(xs).median : undefined);
    const host = med(events.flatMap((e) => (e.host === undefined ? [] : [e.host])));
    const guest = med(events.flatMap((e) => (e.guest === undefined ? [] : [e.guest])));
    return { name, ...(host !== undefined ? { host } : {}), ...(guest !== undefined ? { guest } : {}) };
  });
}

export function toBaseline(r: Results): Baseline {
  return { commit: r.commit, date: r.date, host: r.host, metrics: Object.fromEntries(r.metrics.map((x) => [x.name, { median: x.median, unit: x.unit }])) };
}

function fmt(unit: Unit, v: number): string {
  return unit === "s" ? seconds(v) : unit === "bytes" ? bytes(v) : `${v.toFixed(2)}×`;
}

/** "+1.20 s (+8.1%)", and whether it is beyond this run's own spread (and 10%): only then worth a look. */
export function delta(metric: Metric, baseline?: Baseline): string {
  const base = baseline?.metrics[metric.name];
  if (!base) return "";
  const d = metric.median - base.median;
  const pct = base.median ? (100 * d) / base.median : 0;
  const sign = d > 0 ? "+" : d < 0 ? "−" : "±";
  const text = `${sign}${fmt(metric.unit, Math.abs(d))} (${sign}${Math.abs(pct).toFixed(1)}%)`;
  const noisy = metric.unit !== "bytes" && (Math.abs(d) <= metric.max - metric.min || Math.abs(pct) < 10);
  if (d === 0 || noisy) return `${text}${noisy && d !== 0 ? " within noise" : ""}`;
  return `${text} ${d > 0 ? "**worse**" : "better"}`;
}

export function markdown(r: Results, baseline?: Baseline): string {
  const out: string[] = [];
  const p = (...l: string[]) => out.push(...l);
  p(`# notos bench`, "", `${r.date} · commit ${r.commit.slice(0, 12)} · ${r.host.cpus} × ${r.host.cpuModel} · Node ${r.host.node} · ${r.runs} run(s) per case`, "");
  if (baseline) p(`Baseline: commit ${baseline.commit.slice(0, 12)} of ${baseline.date}. Deltas compare medians; "within noise" means inside this run's min–max spread or under 10%.`, "");
  if (r.errors.length) p("## Errors", "", ...r.errors.map((e) => `- ${e.split("\n")[0]}`), "");

  const timed = r.metrics.filter((x) => x.unit !== "bytes");
  if (timed.length) {
    p("## Timings", "", "| case | runs | min | median | max | baseline | Δ median |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const x of timed) {
      const base = baseline?.metrics[x.name];
      p(`| ${x.name} | ${x.samples.length} | ${fmt(x.unit, x.min)} | ${fmt(x.unit, x.median)} | ${fmt(x.unit, x.max)} | ${base ? fmt(x.unit, base.median) : ""} | ${delta(x, baseline)} |`);
    }
    p("");
  }
  if (r.builds) {
    p("## Builds", "");
    for (const [c, res] of Object.entries(r.builds)) {
      res.runs.forEach((run, i) => {
        const built = Object.entries(run.builders).sort().map(([b, s]) => `${b} ${s}`).join(", ");
        const reran = c === "noop" && run.executed.length ? `; re-ran: ${run.executed.join(", ")}` : "";
        p(`- ${c} ${i + 1}: ${seconds(run.seconds)}, turbo ${run.cached}/${run.total} cached${reran}${c === "etc" ? `; builders: ${built || "(all replayed by turbo)"}` : ""}`);
      });
    }
    const etc = r.builds.etc;
    if (etc?.unexpected?.length) p("", `**An /etc edit rebuilt builders that pack Debian packages: ${etc.unexpected.join(", ")}.**`);
    else if (etc?.missing?.length) p("", `**An /etc edit did not rebuild ${etc.missing.join(", ")} in every run: the edit did not reach the builders (a turbo replay?).**`);
    else if (etc) p("", `An /etc edit rebuilt ${ETC_EDIT_MUST_BUILD.join(", ")} and what describes or signs them, none of the builders that pack Debian packages; root.squashfs came from the store.`);
    p("");
  }
  if (r.boot) {
    p("## Boot against the floor (TCG)", "", `Floor (same kernel, initrd whose /init powers off at once): median ${seconds(r.boot.floor.median)} from QEMU start to exit.`, "");
    p("| figure | median from QEMU start | above the floor | × floor |", "| --- | ---: | ---: | ---: |");
    const names = { stage2: "runit stage 2 on the console", http: "nginx answers http", https: "nginx answers https", ssh: "ssh … true succeeds" };
    for (const [f, v] of Object.entries(r.boot.figures)) p(`| ${names[f as keyof typeof names]} | ${seconds(v.time.median)} | ${seconds(v.aboveFloor.median)} | ${v.ratio.median.toFixed(2)}× |`);
    const stop = r.boot.stopServices ? ` (stage 3 stopping the services: ${seconds(r.boot.stopServices.median)})` : "";
    p(`| poweroff → QEMU exit${stop} | ${seconds(r.boot.poweroff.median)} | | |`, "");
  }
  if (r.timeline) {
    p("## Boot timeline (median of the runs)", "", timelineTable(r.timeline), "", "![boot timeline](timeline.svg)", "");
  }
  if (r.boot?.guestTime?.length) {
    p(
      "## Guest time under QEMU -icount (one boot)",
      "",
      "The guest's uptime when each step happened, with an instruction count as its clock (`-icount shift=2,sleep=off`): the same on a busy host, so it shows what a change does to the guest's own work. It leaves out TCG translating code, which the figures above include.",
      "",
      "| event | guest: uptime s |",
      "| --- | ---: |",
      ...r.boot.guestTime.map((e) => `| ${e.name} | ${e.guest!.toFixed(2)} |`),
      "",
    );
  }
  if (r.sizes) {
    const s = r.sizes;
    p("## Sizes", "", "| artifact | size | budget | |", "| --- | ---: | ---: | --- |");
    for (const b of s.budgets) p(`| ${b.name} | ${bytes(b.size)} | ${bytes(b.budget)} | ${b.over > 0 ? `**over by ${bytes(b.over)}**` : "ok"} |`);
    p("", `initrd per compressor (configured: ${s.initrdCompression}): ${Object.entries(s.initrdBy).map(([c, n]) => `${c} ${bytes(n)}`).join(", ")}.`);
    p(`root.squashfs (${s.rootfsCompression}) holds ${bytes(s.rootfsFiles)} of files; the root's layers travel in the initrd (${bytes(s.rootLayers ?? 0)}, gzip).`, "");
    if (s.selections?.length) {
      p("| file selection (rootfs.packageFiles) | left out | files | why |", "| --- | ---: | ---: | --- |", ...[...s.selections].sort((a, b) => b.bytesLeftOut - a.bytesLeftOut).map((x) => `| ${x.package} | ${bytes(x.bytesLeftOut)} | ${x.filesLeftOut} | ${x.reason.replace(/\|/g, "\\|")} |`), "");
    }
    p("| layer | bytes | files |", "| --- | ---: | ---: |", ...s.layers.map((o) => `| ${o.origin} (${o.kind}) | ${bytes(o.bytes)} | ${o.files} |`), "");
    p("| package (largest first) | bytes | files |", "| --- | ---: | ---: |", ...s.packages.map((o) => `| ${o.origin} | ${bytes(o.bytes)} | ${o.files} |`), "");
    const over = s.budgets.filter((b) => b.over > 0);
    if (over.length) p("**Budgets exceeded:**", "", ...over.map((b) => `- ${describeOverrun(b)}`), "");
  }
  if (r.repro) {
    p("## Reproducibility", "", `Two clean builds of HEAD in different directories (${seconds(r.repro.builds[0])}, ${seconds(r.repro.builds[1])}): ${r.repro.identical ? "byte-identical." : "**they differ**."}`, "");
    p("| file | size | sha256 | |", "| --- | ---: | --- | --- |");
    for (const f of r.repro.files) p(`| ${f.name} | ${bytes(f.size[0])} | ${f.sha256[0].slice(0, 16)}… | ${f.same ? "identical" : `**differs** (B: ${f.sha256[1].slice(0, 16)}…)`} |`);
    for (const f of r.repro.files.filter((x) => !x.same)) p("", `First differences in ${f.name}:`, "", ...f.details.map((d) => `- \`${d.path}\`: ${d.what}`));
    p("");
  }
  return out.join("\n");
}
