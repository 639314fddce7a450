#!/usr/bin/env node

// src/cli.ts
import { existsSync as existsSync4 } from "fs";
import { mkdir as mkdir4, readFile as readFile4, writeFile as writeFile2 } from "fs/promises";
import { cpus } from "os";
import { join as join9 } from "path";
import { parseArgs } from "util";

// src/cases/boot.ts
import { join as join4 } from "path";
import { rm } from "fs/promises";
import { buildDist, Machine } from "@notos/qemu";

// src/floor.ts
import { join } from "path";
import { NotosError } from "@notos/core";
import { fetchPackages, systemPackageSets } from "@notos/debian";
import { busyboxFromDeb, planCpio, cpioChunks, writeCompressed } from "@notos/initrd";
var FLOOR_MARK = /notos floor: \/init at uptime ([\d.]+) s/;
var FLOOR_INIT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "notos floor: /init at uptime $(/bin/busybox cut -d ' ' -f 1 /proc/uptime) s"
exec /bin/busybox poweroff -f
`;
async function buildFloorInitrd(ctx, dir) {
  const set = systemPackageSets(ctx.config).find((s) => s.name === "initrd");
  if (!set) throw new NotosError('@notos/debian defines no "initrd" package set');
  const packages = await fetchPackages(ctx, set);
  const pkg = packages.find((p) => p.name === ctx.config.boot.initrd.busyboxPackage) ?? packages[0];
  if (!pkg) throw new NotosError("the initrd package set resolved to no packages");
  const busybox = await busyboxFromDeb(pkg.file, pkg.name);
  const root = { mode: 493, uid: 0, gid: 0 };
  const entries = [
    { path: "/init", type: "file", ...root, content: new TextEncoder().encode(FLOOR_INIT) },
    { path: "/bin/busybox", type: "file", ...root, content: busybox.binary },
    { path: "/dev/console", type: "char", mode: 384, uid: 0, gid: 0, major: 5, minor: 1 },
    { path: "/proc", type: "dir", ...root }
  ];
  const file = join(dir, "floor-initrd");
  await writeCompressed(cpioChunks(planCpio(entries)), ctx.config.boot.initrd.compression, file);
  return file;
}

// src/repo.ts
import { existsSync, readdirSync } from "fs";
import { mkdir, mkdtemp } from "fs/promises";
import { tmpdir } from "os";
import { dirname, join as join2 } from "path";
import { fileURLToPath } from "url";
import { execa } from "execa";
var repoRoot = fileURLToPath(new URL("../..", import.meta.url));
var benchDir = join2(repoRoot, "bench");
function scratchDir(prefix) {
  return mkdtemp(join2(tmpdir(), `notos-bench-${prefix}-`));
}
async function headCommit() {
  return (await execa("git", ["rev-parse", "HEAD"], { cwd: repoRoot })).stdout.trim();
}
function nodeModulesDirs(root) {
  const dirs = ["node_modules"];
  for (const group of ["packages"]) {
    if (!existsSync(join2(root, group))) continue;
    for (const name of readdirSync(join2(root, group))) dirs.push(join2(group, name, "node_modules"));
  }
  dirs.push("tests/node_modules", "bench/node_modules");
  return dirs.filter((d) => existsSync(join2(root, d)));
}
async function cloneRepo(dest) {
  await mkdir(dirname(dest), { recursive: true });
  await execa("git", ["clone", "--quiet", "--no-checkout", repoRoot, dest]);
  await execa("git", ["checkout", "--quiet", await headCommit()], { cwd: dest });
  for (const dir of nodeModulesDirs(repoRoot)) {
    if (!existsSync(dirname(join2(dest, dir)))) continue;
    const from = join2(repoRoot, dir);
    const to = join2(dest, dir);
    const linked = await execa("cp", ["-al", from, to], { reject: false });
    if (linked.exitCode !== 0) await execa("cp", ["-a", from, to]);
  }
  return dest;
}
function cleanBuildEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("TURBO_") || k === "NOTOS_STORE" || k === "NOTOS_SYSTEM") continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

// src/stats.ts
function summarize(samples) {
  if (samples.length === 0) throw new Error("summarize: no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { samples: [...samples], min: sorted[0], median, max: sorted[sorted.length - 1] };
}
function seconds(value) {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`;
}
var MiB = 1024 * 1024;
function bytes(value) {
  if (Math.abs(value) >= MiB) return `${(value / MiB).toFixed(2)} MiB`;
  if (Math.abs(value) >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}
function parseBytes(text) {
  if (typeof text === "number") return text;
  const m = /^\s*([\d.]+)\s*(B|KiB|MiB|GiB)?\s*$/.exec(text);
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (write e.g. "20 MiB")`);
  const unit = { B: 1, KiB: 1024, MiB, GiB: 1024 * MiB }[m[2] ?? "B"];
  return Math.round(Number(m[1]) * unit);
}

// src/system.ts
import { execFileSync } from "child_process";
import { copyFileSync, existsSync as existsSync2, readFileSync } from "fs";
import { join as join3 } from "path";
import { createJiti } from "jiti";
import { createReporter, defineSystem, evalSystem, Store } from "@notos/core";
import { testInstrumentation } from "@notos/qemu";
function repoStore() {
  return new Store(process.env.NOTOS_STORE ?? join3(repoRoot, ".notos", "store"));
}
async function importRepoSystem(file) {
  const jiti = createJiti(import.meta.url, { moduleCache: false });
  return await jiti.import(file, { default: true });
}
async function benchContext(dir, extra = []) {
  const configFile = join3(repoRoot, "notos.config.ts");
  const repoSystem = await importRepoSystem(configFile);
  const { config, definitions } = evalSystem(defineSystem({ imports: [repoSystem, ...extra] }), { file: configFile });
  const lockFile = join3(dir, "notos.lock.json");
  const repoLock = join3(repoRoot, "notos.lock.json");
  if (existsSync2(repoLock)) copyFileSync(repoLock, lockFile);
  return { config, definitions, store: repoStore(), lockFile, reporter: createReporter({ level: "warn" }) };
}
function withConfig(ctx, config) {
  return { ...ctx, config };
}
function makeKey(dir) {
  const key = join3(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "notos-bench", "-f", key]);
  return { key, publicKey: readFileSync(`${key}.pub`, "utf8").trim() };
}
function bootExtras(publicKey) {
  return [testInstrumentation, { users: { root: { authorizedKeys: [publicKey] } } }];
}

// src/timeline.ts
var MARKS = [
  { name: "kernel starts (first kernel line)", re: /Linux version /, guest: "printk" },
  { name: "kernel runs /init", re: /Run \/init as init process/, guest: "printk" },
  { name: "stage 1 starts", re: /<<< notos stage 1 >>>/ },
  { name: "stage 1: modules loaded", re: /notos stage 1: waiting for root device/ },
  { name: "stage 1: switch_root", re: /notos stage 1: switching to .*\(uptime ([\d.]+) s\)/, guest: "group" },
  { name: "stage 2 starts", re: /<<< notos stage 2 >>>/ },
  { name: "runit stage 1 starts", re: /enter stage: \/etc\/runit\/1/ },
  { name: "runit stage 1 ends", re: /leave stage: \/etc\/runit\/1/ },
  { name: "runit stage 2 starts", re: /enter stage: \/etc\/runit\/2/ }
];
var PRINTK = /^\[\s*([\d.]+)\]/;
function consoleEvents(lines) {
  const events = [];
  for (const mark of MARKS) {
    const line = lines.find((l) => mark.re.test(l.text));
    if (!line) continue;
    const event = { name: mark.name, host: line.t };
    const stamp = mark.guest === "printk" ? PRINTK.exec(line.text)?.[1] : mark.guest === "group" ? mark.re.exec(line.text)?.[1] : void 0;
    if (stamp !== void 0) event.guest = Number(stamp);
    events.push(event);
  }
  return events;
}
var SERVICE_STATUS_COMMAND = [
  "cut -d ' ' -f 1 /proc/uptime",
  "date +%s.%N",
  `for d in /etc/service/*; do n=\${d##*/}; printf 'svc %s %s %s\\n' "$n" "$(od -An -tx1 -N12 "$d/supervise/status" 2>/dev/null | tr -d ' \\n')" "$(sv status "$d" 2>/dev/null | sed -n 's/^run: [^)]*) \\([0-9]*\\)s.*/\\1/p')"; done`
].join("; ");
var TAI_OFFSET = 4611686018427387914n;
function serviceEvents(output) {
  const [uptimeLine, dateLine, ...rest] = output.trim().split("\n");
  const uptime = Number(uptimeLine);
  const now = Number(dateLine);
  const events = [];
  for (const line of rest) {
    const m = /^svc (\S+) ([0-9a-f]*) ?(\d*)$/.exec(line.trim());
    if (!m) continue;
    const [, name, hex, svSeconds] = m;
    let started;
    if (hex && hex.length === 24) {
      const sec = BigInt(`0x${hex.slice(0, 16)}`) - TAI_OFFSET;
      const nano = Number.parseInt(hex.slice(16, 24), 16);
      started = uptime - (now - (Number(sec) + nano / 1e9));
    } else if (svSeconds) {
      started = uptime - Number(svSeconds);
    }
    if (started !== void 0 && Number.isFinite(started)) events.push({ name: `service ${name} started`, guest: round(started) });
  }
  return events;
}
var round = (x) => Math.round(x * 1e3) / 1e3;
function clockOffset(events) {
  const anchor = events.find((e) => e.name === "kernel runs /init" && e.host !== void 0 && e.guest !== void 0);
  return anchor ? anchor.host - anchor.guest : void 0;
}
function onHostAxis(events) {
  const offset = clockOffset(events) ?? 0;
  return events.map((e) => e.host !== void 0 ? { name: e.name, at: e.host, clock: "host" } : { name: e.name, at: e.guest + offset, clock: "guest" }).sort((a, b) => a.at - b.at);
}
function timelineTable(events) {
  const offset = clockOffset(events);
  const rows = [...events].sort((a, b) => (a.host ?? a.guest + (offset ?? 0)) - (b.host ?? b.guest + (offset ?? 0)));
  const fmt2 = (x) => x === void 0 ? "" : x.toFixed(2);
  return [
    "| event | host: s since QEMU start | guest: uptime s |",
    "| --- | ---: | ---: |",
    ...rows.map((e) => `| ${e.name} | ${fmt2(e.host)} | ${fmt2(e.guest)} |`)
  ].join("\n");
}

// src/cases/boot.ts
var sleep = (ms) => new Promise((r) => setTimeout(r, ms));
var since = (machine) => (Date.now() - machine.console.startedAt) / 1e3;
async function runBootCase(runs, log) {
  const dir = await scratchDir("boot");
  try {
    const { key, publicKey } = makeKey(dir);
    const ctx = await benchContext(dir, bootExtras(publicKey));
    log("boot: building the system (repository store)");
    const { files } = await buildDist(ctx, join4(dir, "dist"), { definitions: ctx.definitions });
    const floorInitrd = await buildFloorInitrd(ctx, dir);
    const all = [];
    for (let i = 1; i <= runs; i++) {
      const floor = await bootFloor({ ...files, initrd: floorInitrd }, ctx.config);
      const run = await bootOnce(files, ctx.config, key);
      all.push({ ...run, floor: floor.exit, ...floor.initGuest !== void 0 ? { floorInitGuest: floor.initGuest } : {} });
      log(`boot ${i}/${runs}: floor ${floor.exit.toFixed(2)} s, stage 2 ${run.stage2.toFixed(2)} s, http ${run.http.toFixed(2)} s, ssh ${run.ssh.toFixed(2)} s, poweroff ${run.poweroff.toFixed(2)} s`);
    }
    const figure = (f) => ({
      time: summarize(all.map((r) => r[f])),
      aboveFloor: summarize(all.map((r) => r[f] - r.floor)),
      ratio: summarize(all.map((r) => r[f] / r.floor))
    });
    return {
      runs: all,
      floor: summarize(all.map((r) => r.floor)),
      poweroff: summarize(all.map((r) => r.poweroff)),
      figures: { stage2: figure("stage2"), http: figure("http"), ssh: figure("ssh") }
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
async function bootFloor(files, config) {
  const machine = new Machine({ files, config, accel: "tcg", name: "floor" });
  try {
    await machine.start();
    const status = await machine.waitForExit(12e4);
    const exit = since(machine);
    if (status.code !== 0) throw new Error(`the floor VM exited with ${status.signal ?? `status ${status.code}`}:
${machine.console.tail(20)}`);
    const m = FLOOR_MARK.exec(machine.consoleText());
    return m ? { exit, initGuest: Number(m[1]) } : { exit };
  } finally {
    machine.kill();
  }
}
async function bootOnce(files, config, key) {
  const machine = new Machine({ files, config, accel: "tcg", name: "bench" });
  try {
    await machine.start();
    const [stage2, http, ssh] = await Promise.all([
      machine.waitForConsole(/enter stage: \/etc\/runit\/2/, 18e4).then(() => lineTime(machine.console.lines, /enter stage: \/etc\/runit\/2/) ?? since(machine)),
      waitForHttp(machine),
      waitForSsh(machine, key)
    ]);
    const status = await machine.succeed(SERVICE_STATUS_COMMAND, 6e4);
    const events = consoleEvents(machine.console.lines);
    const timeline = [...events, ...serviceEvents(status), { name: "nginx answers (http)", host: http }, { name: "ssh \u2026 true succeeds", host: ssh }];
    const sent = Date.now();
    const code = await machine.shutdown(12e4);
    const poweroff = (Date.now() - sent) / 1e3;
    if (code !== 0) throw new Error(`QEMU exited with status ${code} after poweroff`);
    return { stage2, http, ssh, poweroff, timeline };
  } finally {
    machine.kill();
  }
}
function lineTime(lines, re) {
  return lines.find((l) => re.test(l.text))?.t;
}
async function waitForHttp(machine, timeoutMs = 18e4) {
  const url = `http://${machine.forwardedHost(80)}:${machine.forwardedPort(80)}/`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(5e3) }).then(
      async (r) => (await r.arrayBuffer(), r.ok),
      () => false
    );
    if (ok) return since(machine);
    await sleep(200);
  }
  throw new Error(`nginx did not answer on ${url} within ${timeoutMs / 1e3} s`);
}
async function waitForSsh(machine, key, timeoutMs = 18e4) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await machine.ssh("true", { key, timeoutMs: 3e4 }).catch(() => void 0);
    if (r?.status === 0) return since(machine);
    await sleep(250);
  }
  throw new Error(`ssh did not succeed within ${timeoutMs / 1e3} s`);
}

// src/cases/builds.ts
import { mkdir as mkdir2, rm as rm2, writeFile } from "fs/promises";
import { join as join6 } from "path";

// src/turbo.ts
import { join as join5 } from "path";
import { execa as execa2 } from "execa";
var FINAL_TASK = "@notos/qemu:dist";
async function turboDist(cwd, options) {
  const turbo = join5(cwd, "node_modules", ".bin", "turbo");
  const started = performance.now();
  const r = await execa2(turbo, ["run", "dist", "--ui=stream", "--no-daemon", `--cache-dir=${options.cacheDir}`], {
    cwd,
    env: options.env,
    extendEnv: false,
    all: true,
    reject: false,
    stdin: "ignore"
  });
  const seconds2 = (performance.now() - started) / 1e3;
  const log = String(r.all ?? "");
  if (r.exitCode !== 0) throw new Error(`turbo run dist failed in ${cwd} (exit ${r.exitCode}):
${log.split("\n").slice(-40).join("\n")}`);
  return { seconds: seconds2, log, ...parseDistLog(log) };
}
function parseDistLog(log) {
  const builders = {};
  const executed = [];
  let cached = 0;
  let total = 0;
  for (const line of log.split("\n")) {
    const task = /^(\S+:\S+): cache (hit|miss)/.exec(line);
    if (task?.[2] === "miss") executed.push(task[1]);
    const builder = new RegExp(`^${FINAL_TASK}: ([\\w-]+): (cached|built in [\\d.]+s)\\s*$`).exec(line);
    if (builder) builders[builder[1]] = builder[2] === "cached" ? "cached" : "built";
    const summary = /^\s*Cached:\s+(\d+) cached, (\d+) total/.exec(line);
    if (summary) [cached, total] = [Number(summary[1]), Number(summary[2])];
  }
  if (!executed.includes(FINAL_TASK)) for (const k of Object.keys(builders)) delete builders[k];
  return { builders, executed, cached, total };
}

// src/cases/builds.ts
var ETC_EDIT_MAY_BUILD = ["etc", "rootfs"];
var ETC_CONFIG = "bench-etc-edit.config.ts";
function etcEditConfig(run) {
  return `// Written by the bench: the repository's system with one /etc entry changed.
import { defineSystem } from "@notos/core";
import system from "./notos.config.ts";

export default defineSystem({
  imports: [system],
  environment: { etc: { "bench-edit": { text: ${JSON.stringify(`bench edit ${run} ${Date.now()}
`)} } } },
});
`;
}
async function runBuildCases(cases, options) {
  const work = await scratchDir("builds");
  try {
    return await measure(work, cases, options);
  } finally {
    if (!options.keep) await rm2(work, { recursive: true, force: true });
  }
}
async function measure(work, cases, { runs, log }) {
  const clone = await cloneRepo(join6(work, "notos"));
  log(`builds: clone of HEAD in ${clone}`);
  const tmp = join6(work, "tmp");
  await mkdir2(tmp);
  const results = {};
  const record = (r) => ({ seconds: r.seconds, cached: r.cached, total: r.total, executed: r.executed, builders: r.builders });
  let store = join6(work, "store-0");
  let cacheDir = join6(work, "turbo-0");
  const env = (extra = {}) => cleanBuildEnv({ NOTOS_STORE: store, TMPDIR: tmp, ...extra });
  const coldRuns = cases.has("cold") ? runs : 1;
  const cold = [];
  for (let i = 1; i <= coldRuns; i++) {
    store = join6(work, `store-${i}`);
    cacheDir = join6(work, `turbo-${i}`);
    const r = await turboDist(clone, { env: env(), cacheDir });
    cold.push(record(r));
    log(`cold ${i}/${coldRuns}: ${r.seconds.toFixed(1)} s (${r.cached}/${r.total} turbo tasks cached)`);
  }
  if (cases.has("cold")) results.cold = { time: summarize(cold.map((r) => r.seconds)), runs: cold };
  if (cases.has("noop")) {
    const noop = [];
    for (let i = 1; i <= runs; i++) {
      const r = await turboDist(clone, { env: env(), cacheDir });
      noop.push(record(r));
      const reran = r.executed.length ? `; re-ran ${r.executed.join(", ")}` : "";
      log(`noop ${i}/${runs}: ${r.seconds.toFixed(1)} s (${r.cached}/${r.total} turbo tasks cached${reran})`);
    }
    results.noop = { time: summarize(noop.map((r) => r.seconds)), runs: noop };
  }
  if (cases.has("etc")) {
    await writeFile(join6(clone, ETC_CONFIG), etcEditConfig(0));
    await turboDist(clone, { env: env({ NOTOS_SYSTEM: ETC_CONFIG }), cacheDir });
    const etc = [];
    for (let i = 1; i <= runs; i++) {
      await writeFile(join6(clone, ETC_CONFIG), etcEditConfig(i));
      const r = await turboDist(clone, { env: env({ NOTOS_SYSTEM: ETC_CONFIG }), cacheDir });
      etc.push(record(r));
      const built = Object.entries(r.builders).filter(([, s]) => s === "built").map(([b]) => b);
      log(`etc ${i}/${runs}: ${r.seconds.toFixed(1)} s (built: ${built.join(", ") || "nothing"})`);
    }
    const unexpected = [...new Set(etc.flatMap((r) => Object.entries(r.builders).filter(([b, s]) => s === "built" && !ETC_EDIT_MAY_BUILD.includes(b)).map(([b]) => b)))];
    results.etc = { time: summarize(etc.map((r) => r.seconds)), runs: etc, unexpected };
  }
  return results;
}

// src/cases/repro.ts
import { createHash as createHash2 } from "crypto";
import { existsSync as existsSync3 } from "fs";
import { mkdir as mkdir3, readFile as readFile2, rm as rm3 } from "fs/promises";
import { join as join7 } from "path";
import { execa as execa4 } from "execa";

// src/diff.ts
function diffByKey(a, b, key, limit = 10) {
  const mb = new Map(b.map((e) => [key(e), e]));
  const ma = new Map(a.map((e) => [key(e), e]));
  const paths = [.../* @__PURE__ */ new Set([...ma.keys(), ...mb.keys()])].sort();
  const out = [];
  for (const path of paths) {
    const x = ma.get(path);
    const y = mb.get(path);
    if (!x) out.push({ path, what: "only in B" });
    else if (!y) out.push({ path, what: "only in A" });
    else {
      const fields = [.../* @__PURE__ */ new Set([...Object.keys(x), ...Object.keys(y)])].filter(
        (f) => JSON.stringify(x[f]) !== JSON.stringify(y[f])
      );
      if (fields.length) {
        const show = (v) => typeof v === "string" && v.length > 20 ? `${v.slice(0, 16)}\u2026` : JSON.stringify(v);
        out.push({ path, what: fields.map((f) => `${f}: ${show(x[f])} \u2260 ${show(y[f])}`).join(", ") });
      }
    }
    if (out.length >= limit) break;
  }
  return out;
}
function diffLines(a, b, limit = 10) {
  const la = a.split("\n");
  const lb = b.split("\n");
  const out = [];
  for (let i = 0; i < Math.max(la.length, lb.length) && out.length < limit; i++) {
    if (la[i] !== lb[i]) out.push({ path: `line ${i + 1}`, what: `A: ${la[i] ?? "(none)"} | B: ${lb[i] ?? "(none)"}` });
  }
  return out;
}
function firstDifferentByte(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

// src/newc.ts
import { createHash } from "crypto";
import { readFile } from "fs/promises";
import { gunzipSync } from "zlib";
import { execa as execa3 } from "execa";
async function decompressInitrd(file) {
  const data = await readFile(file);
  if (data[0] === 31 && data[1] === 139) return gunzipSync(data);
  if (data.readUInt32LE(0) === 4247762216) return Buffer.from((await execa3("zstd", ["-dc", file], { encoding: "buffer" })).stdout);
  if (data.subarray(0, 6).equals(Buffer.from([253, 55, 122, 88, 90, 0]))) return Buffer.from((await execa3("xz", ["-dc", file], { encoding: "buffer" })).stdout);
  return data;
}
function parseNewc(data) {
  const members = [];
  const align = (n) => n + 3 & ~3;
  let off = 0;
  while (off + 110 <= data.length) {
    const magic = data.toString("latin1", off, off + 6);
    if (magic !== "070701" && magic !== "070702") throw new Error(`not a newc archive at byte ${off} (magic ${JSON.stringify(magic)})`);
    const field = (i) => Number.parseInt(data.toString("latin1", off + 6 + i * 8, off + 14 + i * 8), 16);
    const namesize = field(11);
    const size = field(6);
    const name = data.toString("utf8", off + 110, off + 110 + namesize - 1);
    const start = align(off + 110 + namesize);
    if (name === "TRAILER!!!") break;
    const content = data.subarray(start, start + size);
    members.push({
      name,
      mode: field(1).toString(8),
      uid: field(2),
      gid: field(3),
      nlink: field(4),
      mtime: field(5),
      size,
      sha256: createHash("sha256").update(content).digest("hex")
    });
    off = align(start + size);
  }
  return members;
}

// src/cases/repro.ts
var REPRO_FILES = ["kernel", "initrd", "root.squashfs", "command-line"];
async function runRepro(options = {}) {
  const log = options.log ?? (() => {
  });
  const [wa, wb] = [await scratchDir("repro-a"), await scratchDir("repro-b")];
  try {
    const sides = [
      { clone: join7(wa, "notos"), tmp: join7(wa, "tmp"), cache: join7(wa, "turbo") },
      { clone: join7(wb, "elsewhere", "deeper", "notos-b"), tmp: join7(wb, "other-tmp"), cache: join7(wb, "turbo") }
    ];
    const builds = [];
    for (const [i, side] of sides.entries()) {
      await cloneRepo(side.clone);
      await mkdir3(side.tmp, { recursive: true });
      const r = await turboDist(side.clone, { env: cleanBuildEnv({ TMPDIR: side.tmp }), cacheDir: side.cache });
      builds.push(r.seconds);
      log(`repro: clean build ${"AB"[i]} in ${r.seconds.toFixed(1)} s (${side.clone})`);
    }
    const [a, b] = sides.map((s) => s.clone);
    const files = await Promise.all(REPRO_FILES.map((name) => compare(name, a, b)));
    return { identical: files.every((f) => f.same), builds, files };
  } finally {
    if (!options.keep) await Promise.all([rm3(wa, { recursive: true, force: true }), rm3(wb, { recursive: true, force: true })]);
  }
}
async function compare(name, a, b) {
  const [da, db] = await Promise.all([readFile2(join7(a, "dist", name)), readFile2(join7(b, "dist", name))]);
  const sha = (d) => createHash2("sha256").update(d).digest("hex");
  const same = da.equals(db);
  return { name, size: [da.length, db.length], sha256: [sha(da), sha(db)], same, details: same ? [] : await explain(name, a, b, da, db) };
}
async function explain(name, a, b, da, db) {
  const byte = () => [{ path: name, what: `first differing byte at offset ${firstDifferentByte(da, db)}` }];
  if (name === "command-line") return diffLines(da.toString("utf8"), db.toString("utf8"));
  if (name === "initrd") {
    const [ma, mb] = await Promise.all([a, b].map(async (dir) => parseNewc(await decompressInitrd(join7(dir, "dist", "initrd")))));
    const d = diffByKey(ma, mb, (m) => m.name);
    return d.length ? d : [{ path: "(archive)", what: "same members, same contents: the compressed bytes differ" }, ...byte()];
  }
  if (name === "root.squashfs") {
    const manifest = (dir) => join7(dir, "packages", "rootfs", "out", "manifest.json");
    if (existsSync3(manifest(a)) && existsSync3(manifest(b))) {
      const [ma, mb] = await Promise.all([a, b].map(async (dir) => JSON.parse(await readFile2(manifest(dir), "utf8"))));
      const d2 = diffByKey(ma, mb, (e) => e.path);
      if (d2.length) return d2.map((e) => ({ ...e, what: `manifest.json: ${e.what}` }));
    }
    const list = async (dir) => (await execa4("unsquashfs", ["-lln", join7(dir, "dist", "root.squashfs")])).stdout;
    const d = diffLines(await list(a), await list(b));
    return d.length ? d.map((e) => ({ ...e, what: `unsquashfs -lln: ${e.what}` })) : [{ path: "(image)", what: "same manifest and listing: file contents or image layout differ" }, ...byte()];
  }
  return byte();
}

// src/cases/sizes.ts
import { readFile as readFile3, rm as rm4, stat } from "fs/promises";
import { join as join8 } from "path";
import { buildInitrd } from "@notos/initrd";
import { buildSystem } from "@notos/qemu";
var COMPRESSORS = ["gzip", "zstd", "xz", "none"];
async function measureSizes(log = () => {
}) {
  const dir = await scratchDir("sizes");
  try {
    const ctx = await benchContext(dir);
    log("sizes: building the repository's system (repository store)");
    const system = await buildSystem(ctx, { definitions: ctx.definitions });
    const initrdBy = {};
    for (const compression of COMPRESSORS) {
      const config = { ...ctx.config, boot: { ...ctx.config.boot, initrd: { ...ctx.config.boot.initrd, compression } } };
      const initrd = compression === ctx.config.boot.initrd.compression ? system.initrd : await buildInitrd(withConfig(ctx, config), { kernel: system.kernel });
      initrdBy[compression] = initrd.size;
    }
    const report = JSON.parse(await readFile3(system.rootfs.sizeReport, "utf8"));
    const byBytes = (a, b) => b.bytes - a.bytes || a.origin.localeCompare(b.origin);
    const measured = {
      kernel: (await stat(system.kernel.image)).size,
      initrd: system.initrd.size,
      initrdCompression: system.initrd.compression,
      initrdBy,
      rootfs: system.rootfs.size,
      rootfsCompression: system.rootfs.compression,
      rootfsFiles: report.files,
      packages: report.origins.filter((o) => o.kind === "package").sort(byBytes),
      layers: report.origins.filter((o) => o.kind !== "package").sort(byBytes)
    };
    return { ...measured, budgets: checkBudgets(measured, await readBudgets()) };
  } finally {
    await rm4(dir, { recursive: true, force: true });
  }
}
async function readBudgets(file = join8(benchDir, "budgets.json")) {
  const raw = JSON.parse(await readFile3(file, "utf8"));
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith("$")).map(([k, v]) => [k, parseBytes(v)]));
}
function checkBudgets(sizes, budgets) {
  const actual = {
    kernel: sizes.kernel,
    initrd: sizes.initrd,
    "root.squashfs": sizes.rootfs,
    ...Object.fromEntries(Object.entries(sizes.initrdBy).map(([c, n]) => [`initrd.${c}`, n]))
  };
  return Object.entries(budgets).map(([name, budget]) => {
    const size = actual[name];
    if (size === void 0) throw new Error(`budgets.json names ${name}, which the bench does not measure (known: ${Object.keys(actual).join(", ")})`);
    return { name, size, budget, over: size - budget };
  });
}
function describeOverrun(c) {
  return `${c.name}: ${bytes(c.size)} is ${bytes(c.over)} (${(100 * c.over / c.budget).toFixed(1)}%) over its budget of ${bytes(c.budget)}`;
}

// src/report.ts
function collectMetrics(r) {
  const m = [];
  const add = (name, unit, s) => m.push({ name, unit, ...s });
  for (const c of ["cold", "noop", "etc"]) if (r.builds?.[c]) add(`build.${c}`, "s", r.builds[c].time);
  if (r.boot) {
    add("boot.floor", "s", r.boot.floor);
    for (const [f, v] of Object.entries(r.boot.figures)) {
      add(`boot.${f}`, "s", v.time);
      add(`boot.${f}.above-floor`, "s", v.aboveFloor);
      add(`boot.${f}.ratio`, "ratio", v.ratio);
    }
    add("boot.poweroff", "s", r.boot.poweroff);
  }
  if (r.sizes) {
    const one = (name, n) => add(name, "bytes", summarize([n]));
    one("size.kernel", r.sizes.kernel);
    for (const [c, n] of Object.entries(r.sizes.initrdBy)) one(`size.initrd.${c}`, n);
    one("size.root.squashfs", r.sizes.rootfs);
  }
  return m;
}
function medianTimeline(runs) {
  const names = [...new Set(runs.flatMap((r) => r.timeline.map((e) => e.name)))];
  return names.map((name) => {
    const events = runs.map((r) => r.timeline.find((e) => e.name === name)).filter((e) => e !== void 0);
    const med = (xs) => xs.length ? summarize(xs).median : void 0;
    const host = med(events.flatMap((e) => e.host === void 0 ? [] : [e.host]));
    const guest = med(events.flatMap((e) => e.guest === void 0 ? [] : [e.guest]));
    return { name, ...host !== void 0 ? { host } : {}, ...guest !== void 0 ? { guest } : {} };
  });
}
function toBaseline(r) {
  return { commit: r.commit, date: r.date, host: r.host, metrics: Object.fromEntries(r.metrics.map((x) => [x.name, { median: x.median, unit: x.unit }])) };
}
function fmt(unit, v) {
  return unit === "s" ? seconds(v) : unit === "bytes" ? bytes(v) : `${v.toFixed(2)}\xD7`;
}
function delta(metric, baseline) {
  const base = baseline?.metrics[metric.name];
  if (!base) return "";
  const d = metric.median - base.median;
  const pct = base.median ? 100 * d / base.median : 0;
  const sign = d > 0 ? "+" : d < 0 ? "\u2212" : "\xB1";
  const text = `${sign}${fmt(metric.unit, Math.abs(d))} (${sign}${Math.abs(pct).toFixed(1)}%)`;
  const noisy = metric.unit !== "bytes" && (Math.abs(d) <= metric.max - metric.min || Math.abs(pct) < 10);
  if (d === 0 || noisy) return `${text}${noisy && d !== 0 ? " within noise" : ""}`;
  return `${text} ${d > 0 ? "**worse**" : "better"}`;
}
function markdown(r, baseline) {
  const out = [];
  const p = (...l) => out.push(...l);
  p(`# notos bench`, "", `${r.date} \xB7 commit ${r.commit.slice(0, 12)} \xB7 ${r.host.cpus} \xD7 ${r.host.cpuModel} \xB7 Node ${r.host.node} \xB7 ${r.runs} run(s) per case`, "");
  if (baseline) p(`Baseline: commit ${baseline.commit.slice(0, 12)} of ${baseline.date}. Deltas compare medians; "within noise" means inside this run's min\u2013max spread or under 10%.`, "");
  if (r.errors.length) p("## Errors", "", ...r.errors.map((e) => `- ${e.split("\n")[0]}`), "");
  const timed = r.metrics.filter((x) => x.unit !== "bytes");
  if (timed.length) {
    p("## Timings", "", "| case | runs | min | median | max | baseline | \u0394 median |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |");
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
        const built = Object.entries(run.builders).map(([b, s]) => `${b} ${s}`).join(", ");
        const reran = c === "noop" && run.executed.length ? `; re-ran: ${run.executed.join(", ")}` : "";
        p(`- ${c} ${i + 1}: ${seconds(run.seconds)}, turbo ${run.cached}/${run.total} cached${reran}${c === "etc" ? `; final dist task: ${built || "(replayed)"}` : ""}`);
      });
    }
    const etc = r.builds.etc;
    if (etc) p("", etc.unexpected?.length ? `**An /etc edit rebuilt more than etc and rootfs: ${etc.unexpected.join(", ")}.**` : "An /etc edit rebuilt only etc and rootfs (and dist).");
    p("");
  }
  if (r.boot) {
    p("## Boot against the floor (TCG)", "", `Floor (same kernel, initrd whose /init powers off at once): median ${seconds(r.boot.floor.median)} from QEMU start to exit.`, "");
    p("| figure | median from QEMU start | above the floor | \xD7 floor |", "| --- | ---: | ---: | ---: |");
    const names = { stage2: "runit stage 2 on the console", http: "nginx answers http", ssh: "ssh \u2026 true succeeds" };
    for (const [f, v] of Object.entries(r.boot.figures)) p(`| ${names[f]} | ${seconds(v.time.median)} | ${seconds(v.aboveFloor.median)} | ${v.ratio.median.toFixed(2)}\xD7 |`);
    p(`| poweroff \u2192 QEMU exit | ${seconds(r.boot.poweroff.median)} | | |`, "");
  }
  if (r.timeline) {
    p("## Boot timeline (median of the runs)", "", timelineTable(r.timeline), "", "![boot timeline](timeline.svg)", "");
  }
  if (r.sizes) {
    const s = r.sizes;
    p("## Sizes", "", "| artifact | size | budget | |", "| --- | ---: | ---: | --- |");
    for (const b of s.budgets) p(`| ${b.name} | ${bytes(b.size)} | ${bytes(b.budget)} | ${b.over > 0 ? `**over by ${bytes(b.over)}**` : "ok"} |`);
    p("", `initrd per compressor (configured: ${s.initrdCompression}): ${Object.entries(s.initrdBy).map(([c, n]) => `${c} ${bytes(n)}`).join(", ")}.`);
    p(`root.squashfs (${s.rootfsCompression}) holds ${bytes(s.rootfsFiles)} of files.`, "");
    p("| layer | bytes | files |", "| --- | ---: | ---: |", ...s.layers.map((o) => `| ${o.origin} (${o.kind}) | ${bytes(o.bytes)} | ${o.files} |`), "");
    p("| package (largest first) | bytes | files |", "| --- | ---: | ---: |", ...s.packages.map((o) => `| ${o.origin} | ${bytes(o.bytes)} | ${o.files} |`), "");
    const over = s.budgets.filter((b) => b.over > 0);
    if (over.length) p("**Budgets exceeded:**", "", ...over.map((b) => `- ${describeOverrun(b)}`), "");
  }
  if (r.repro) {
    p("## Reproducibility", "", `Two clean builds of HEAD in different directories (${seconds(r.repro.builds[0])}, ${seconds(r.repro.builds[1])}): ${r.repro.identical ? "byte-identical." : "**they differ**."}`, "");
    p("| file | size | sha256 | |", "| --- | ---: | --- | --- |");
    for (const f of r.repro.files) p(`| ${f.name} | ${bytes(f.size[0])} | ${f.sha256[0].slice(0, 16)}\u2026 | ${f.same ? "identical" : `**differs** (B: ${f.sha256[1].slice(0, 16)}\u2026)`} |`);
    for (const f of r.repro.files.filter((x) => !x.same)) p("", `First differences in ${f.name}:`, "", ...f.details.map((d) => `- \`${d.path}\`: ${d.what}`));
    p("");
  }
  return out.join("\n");
}

// src/svg.ts
var W = 1e3;
var LABEL = 270;
var RIGHT = 40;
var ROW = 22;
var TOP = 92;
var PHASES = [
  [null, "kernel starts (first kernel line)", "firmware, kernel load", "#d9d9d9"],
  ["kernel starts (first kernel line)", "stage 1 starts", "kernel", "#9ecae1"],
  ["stage 1 starts", "stage 2 starts", "stage 1 (initrd)", "#a1d99b"],
  ["stage 2 starts", "runit stage 2 starts", "stage 2, runit stage 1", "#fdd0a2"],
  ["runit stage 2 starts", "ssh \u2026 true succeeds", "runit stage 2: services", "#fcbba1"]
];
function esc(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function timelineSvg(events, options = {}) {
  const points = onHostAxis(events);
  const end = Math.max(...points.map((p) => p.at), options.floor ?? 0);
  const span = Math.ceil(end + 0.5);
  const x = (t) => LABEL + (W - LABEL - RIGHT) * t / span;
  const height = TOP + points.length * ROW + 50;
  const at = (name) => points.find((p) => p.name === name)?.at;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(options.title ?? "notos boot timeline (TCG)")}</text>`,
    `<text x="10" y="38" fill="#555">seconds since QEMU start; filled: host clock (console line arrival), hollow: guest clock (uptime, shifted by the kernel's "Run /init" stamp)</text>`
  ];
  for (let s = 0; s <= span; s++) {
    out.push(`<line x1="${x(s)}" y1="${TOP - 30}" x2="${x(s)}" y2="${height - 40}" stroke="#eee"/>`);
    out.push(`<text x="${x(s)}" y="${height - 25}" text-anchor="middle" fill="#555">${s}</text>`);
  }
  out.push(`<text x="${(LABEL + W - RIGHT) / 2}" y="${height - 8}" text-anchor="middle" fill="#555">s</text>`);
  for (const [from, to, name, colour] of PHASES) {
    const a = from === null ? 0 : at(from);
    const b = at(to);
    if (a === void 0 || b === void 0 || b <= a) continue;
    out.push(`<rect x="${x(a)}" y="${TOP - 30}" width="${x(b) - x(a)}" height="20" fill="${colour}"><title>${esc(name)}: ${(b - a).toFixed(2)} s</title></rect>`);
    if (x(b) - x(a) > 60) out.push(`<text x="${x(a) + 4}" y="${TOP - 16}" font-size="11">${esc(name)}</text>`);
  }
  out.push(`<text x="${LABEL - 10}" y="${TOP - 16}" text-anchor="end" font-weight="bold">phases</text>`);
  if (options.floor !== void 0) {
    out.push(`<line x1="${x(options.floor)}" y1="${TOP - 34}" x2="${x(options.floor)}" y2="${height - 40}" stroke="#333" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x(options.floor) + 4}" y="${height - 42}" fill="#333">floor ${options.floor.toFixed(2)} s</text>`);
  }
  points.forEach((p, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const filled = p.clock === "host";
    out.push(`<text x="${LABEL - 10}" y="${y + 4}" text-anchor="end">${esc(p.name)}</text>`);
    out.push(`<line x1="${LABEL}" y1="${y}" x2="${x(p.at)}" y2="${y}" stroke="#ccc"/>`);
    out.push(`<circle cx="${x(p.at)}" cy="${y}" r="5" fill="${filled ? "#3182bd" : "white"}" stroke="#3182bd" stroke-width="2"/>`);
    out.push(`<text x="${x(p.at) + 9}" y="${y + 4}" fill="#333">${p.at.toFixed(2)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

// src/cli.ts
var ALL_CASES = ["sizes", "boot", "cold", "noop", "etc", "repro"];
function parseCases(text) {
  if (!text) return new Set(ALL_CASES);
  const cases = text.split(",").map((c) => c.trim() === "timeline" ? "boot" : c.trim());
  const unknown = cases.filter((c) => !ALL_CASES.includes(c));
  if (unknown.length) throw new Error(`unknown case(s): ${unknown.join(", ")}; the cases are ${ALL_CASES.join(", ")} (timeline comes with boot)`);
  return new Set(cases);
}
async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      cases: { type: "string" },
      "update-baseline": { type: "boolean", default: false },
      keep: { type: "boolean", default: false }
    }
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a whole number \u2265 1, got ${values.runs}`);
  const cases = parseCases(values.cases);
  const log = (line) => process.stdout.write(`bench: ${line}
`);
  const cpu = cpus();
  const r = {
    date: (/* @__PURE__ */ new Date()).toISOString(),
    commit: await headCommit(),
    host: { cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? "unknown", node: process.versions.node },
    runs,
    cases: ALL_CASES.filter((c) => cases.has(c)),
    errors: []
  };
  const attempt = async (name, f) => {
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
  const buildCases = new Set(["cold", "noop", "etc"].filter((c) => cases.has(c)));
  if (buildCases.size) await attempt("builds", async () => void (r.builds = await runBuildCases(buildCases, { runs, keep: values.keep, log })));
  if (cases.has("repro")) await attempt("repro", async () => void (r.repro = await runRepro({ keep: values.keep, log })));
  const results = { ...r, metrics: collectMetrics(r) };
  const baselineFile = join9(benchDir, "baseline.json");
  const baseline = existsSync4(baselineFile) ? JSON.parse(await readFile4(baselineFile, "utf8")) : void 0;
  const report = markdown(results, baseline);
  const dir = join9(benchDir, "results");
  await mkdir4(dir, { recursive: true });
  await writeFile2(join9(dir, "latest.json"), JSON.stringify(results, null, 1) + "\n");
  await writeFile2(join9(dir, "latest.md"), report);
  if (results.timeline) {
    await writeFile2(join9(dir, "timeline.svg"), timelineSvg(results.timeline, { ...results.boot ? { floor: results.boot.floor.median } : {}, title: `notos boot timeline (TCG, median of ${runs} run(s), ${results.commit.slice(0, 12)})` }));
  }
  if (values["update-baseline"]) {
    const merged = toBaseline(results);
    if (baseline) merged.metrics = { ...baseline.metrics, ...merged.metrics };
    await writeFile2(baselineFile, JSON.stringify(merged, null, 1) + "\n");
    log(`baseline written: ${baselineFile}`);
  }
  process.stdout.write(`
${report}
`);
  log(`results: ${join9(dir, "latest.md")}, ${join9(dir, "latest.json")}${results.timeline ? `, ${join9(dir, "timeline.svg")}` : ""}`);
  const problems = [
    ...r.errors.map((e) => e.split("\n")[0]),
    ...r.sizes?.budgets.filter((b) => b.over > 0).map(describeOverrun) ?? [],
    ...r.repro && !r.repro.identical ? [`the two clean builds differ: ${r.repro.files.filter((f) => !f.same).map((f) => f.name).join(", ")}`] : []
  ];
  for (const p of problems) process.stderr.write(`bench: FAILED: ${p}
`);
  return problems.length ? 1 : 0;
}
main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}
`);
    process.exit(2);
  }
);
//# sourceMappingURL=cli.js.map