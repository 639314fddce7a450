// The generated scripts run on this machine, with every path they reach
// outside themselves (the sysrq trigger, the kernel command line, the mount
// table, runit's flag files, PID 1 …) given to the generator as a temporary
// directory. Before each run, assertRedirected checks the script's text and
// refuses when anything still points at the real machine: a script that
// spelled /proc/sysrq-trigger differently would power it off.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runitLayer } from "../src/index.js";
import { assertRedirected, find, layerOf, pathsIn, text } from "./helpers.js";
import { configOf } from "./system.js";

const config = configOf({ services: { web: { run: "exec web" } } });
const temp = () => mkdtempSync(join(tmpdir(), "notos-runit-"));
/** No process has this id (above the kernel's pid_max limit): stage-2 init tests signal nobody. */
const NO_PID = 1 << 23;

function writeScript(path: string, source: string): string {
  writeFileSync(path, source);
  chmodSync(path, 0o755);
  return path;
}

/** A generated script with every outside path in `dir`, checked before it may run. */
function generated(dir: string, path: string, initPid = NO_PID, edit: (source: string) => string = (s) => s): string {
  const source = edit(text(find(runitLayer(config, { paths: pathsIn(dir, initPid) }).entries, path)));
  assertRedirected(source, dir, initPid);
  return source;
}

/** The stage-2 init, without the wait for the power-off to happen. */
function stage2Init(dir: string): string {
  const p = pathsIn(dir, NO_PID);
  mkdirSync(p.dev, { recursive: true });
  mkdirSync(p.run, { recursive: true });
  return writeScript(join(dir, "stage-2"), generated(dir, "/usr/lib/notos/stage-2", NO_PID, (s) => s.replace("  sleep 5\n", "")));
}

/** A mount table in which these of the stage-2 init's mount points are mounted. */
function mountTable(dir: string, keys: ("proc" | "sys" | "dev" | "run")[]): void {
  const p = pathsIn(dir, NO_PID);
  const targets = keys.flatMap((k) => (k === "dev" ? [p.dev, join(p.dev, "pts"), join(p.dev, "shm")] : [p[k]]));
  writeFileSync(p.mounts, targets.map((t) => `none ${t} tmpfs rw 0 0\n`).join(""));
}

/** A process that says when it gets `signal`; its trap is set when this resolves. */
async function standIn(signal: string): Promise<{ pid: number; got: Promise<void> }> {
  const child = spawn("sh", ["-c", `trap "echo ${signal}; exit 0" ${signal}; echo ready; while :; do sleep 0.05; done`], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const saw = (word: string) =>
    new Promise<void>((resolve) => {
      const check = () => out.includes(word) && resolve();
      child.stdout.on("data", (d: Buffer) => ((out += d.toString()), check()));
      check();
    });
  await saw("ready");
  return { pid: child.pid!, got: saw(signal) };
}

/** Stage 2's process id file in `dir`, and the name the stand-in /proc there gives that process. */
function stage2(dir: string, pid: number, name: string): void {
  writeFileSync(join(dir, "run", "runit.stage-2.pid"), `${pid}\n`);
  mkdirSync(join(dir, "proc", String(pid)), { recursive: true });
  writeFileSync(join(dir, "proc", String(pid), "comm"), `${name}\n`);
}

describe("the guard", () => {
  it("refuses the real scripts, and one that spells an outside path its own way", () => {
    const dir = temp();
    const real = text(find(layerOf({}).entries, "/usr/lib/notos/stage-2"));
    expect(() => assertRedirected(real, dir, NO_PID)).toThrow(/refusing to run a generated script on this machine: proc=\/proc is not redirected/);
    const redirected = generated(dir, "/usr/lib/notos/stage-2");
    expect(() => assertRedirected(redirected.replace("  sleep 5\n", "  echo o > /proc//sysrq-trigger\n"), dir, NO_PID)).toThrow(/names a path outside/);
    expect(() => assertRedirected(redirected.replace(/^runit=.*$/m, ""), dir, NO_PID)).toThrow(/\$runit is used but not set/);
    const poweroff = generated(dir, "/usr/sbin/poweroff", 4242);
    expect(() => assertRedirected(poweroff.replace('"$init_pid"', "1"), dir, 4242)).toThrow(/signals a fixed process/);
  });

  it("leaves the real scripts with the real paths, each named once at the top", () => {
    const { entries } = layerOf({});
    const init = text(find(entries, "/usr/lib/notos/stage-2"));
    expect(init).toContain("\ncmdline=/proc/cmdline\nsysrq_trigger=/proc/sysrq-trigger\n");
    expect(init.match(/\/proc\/sysrq-trigger/g)).toHaveLength(1);
    expect(init).toMatch(/\nexec "\$runit"\n$/);
    expect(text(find(entries, "/usr/sbin/poweroff"))).toContain("\nrun=/run\nproc=/proc\ninit_pid=1\n");
  });
});

describe("the stage-2 init", () => {
  it("refuses to run when it is not PID 1, says why, and powers off", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "console=ttyS0 quiet\n");
    const r = spawnSync("sh", [stage2Init(dir)], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("<<< notos stage 2 >>>");
    expect(r.stderr).toMatch(/FATAL: must run as PID 1 \(runit only works as PID 1\); this is PID \d+/);
    expect(readFileSync(join(dir, "sysrqTrigger"), "utf8")).toBe("o\n");
  });

  it("starts the rescue shell instead when the command line has notos.shell", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "console=ttyS0 notos.shell\n");
    writeScript(join(dir, "shell"), '#!/bin/sh\necho "the rescue shell"\nexec sh\n');
    const r = spawnSync("sh", [stage2Init(dir)], { encoding: "utf8", input: "echo in-the-shell\n" });
    expect(r.stderr).toContain("notos.shell is set: starting a shell");
    expect(r.stdout).toContain("the rescue shell\nin-the-shell\n");
  });

  const canUnshare = process.getuid?.() === 0 && spawnSync("unshare", ["--fork", "--pid", "--mount", "--mount-proc", "true"]).status === 0;
  it.skipIf(!canUnshare)("as PID 1 (in a PID and a private mount namespace) mounts what is missing and execs runit", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "\n");
    // Everything but /run is mounted already; the tmpfs on it stays in the namespace.
    mountTable(dir, ["proc", "sys", "dev"]);
    writeScript(join(dir, "stage1"), "#!/bin/sh\n");
    writeScript(join(dir, "runit"), `#!/bin/sh\necho "runit is PID $$"\ngrep -q " ${join(dir, "run")} tmpfs " /proc/self/mounts && echo "run is a tmpfs"\n`);
    const r = spawnSync("unshare", ["--fork", "--pid", "--mount", "--mount-proc", "sh", stage2Init(dir)], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("notos stage 2: starting runit\nrunit is PID 1\nrun is a tmpfs\n");
  });

  it.skipIf(!canUnshare)("as PID 1 stops loudly when runit is missing", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "\n");
    mountTable(dir, ["proc", "sys", "dev", "run"]);
    writeScript(join(dir, "stage1"), "#!/bin/sh\n");
    const r = spawnSync("unshare", ["--fork", "--pid", "--mount", "--mount-proc", "sh", stage2Init(dir)], { encoding: "utf8" });
    expect(r.stderr).toMatch(/FATAL: .*\/runit is missing \(the runit package is not in the root\)/);
    expect(readFileSync(join(dir, "sysrqTrigger"), "utf8")).toBe("o\n");
  });
});

describe("poweroff, reboot and halt", () => {
  /** A run directory with runit's flag files in these modes. */
  function runDir(existing: Record<string, number> = {}): string {
    const dir = temp();
    mkdirSync(join(dir, "run"));
    for (const [f, mode] of Object.entries(existing)) {
      writeFileSync(join(dir, "run", f), "");
      chmodSync(join(dir, "run", f), mode);
    }
    return dir;
  }

  function runCommand(dir: string, command: string, initPid: number): void {
    const r = spawnSync("sh", ["-c", generated(dir, command, initPid)], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  }

  // runit reads only the owner's execute bit.
  function flags(dir: string) {
    const executable = (f: string) => existsSync(join(dir, "run", f)) && (statSync(join(dir, "run", f)).mode & 0o100) !== 0;
    return { stopit: executable("runit.stopit"), reboot: executable("runit.reboot") };
  }

  /** Run the command against a stand-in runsvdir that reports TERM; PID 1 does not exist, so signalling it would fail the command. */
  async function inStage2(command: string, existing: Record<string, number> = {}) {
    const dir = runDir(existing);
    const runsvdir = await standIn("TERM");
    stage2(dir, runsvdir.pid, "runsvdir");
    runCommand(dir, `/usr/sbin/${command}`, NO_PID);
    await runsvdir.got;
    return flags(dir);
  }

  /** Run the command while runit is still in stage 1 (no runsvdir): a stand-in for PID 1 reports SIGCONT. */
  async function withoutStage2(command: string, existing: Record<string, number> = {}, setUp: (dir: string) => void = () => {}) {
    const dir = runDir(existing);
    setUp(dir);
    const pid1 = await standIn("CONT");
    runCommand(dir, `/usr/sbin/${command}`, pid1.pid);
    await pid1.got;
    return flags(dir);
  }

  it("end stage 2 by ending runsvdir, without waking PID 1 (runit's own way waits a second)", async () => {
    expect(await inStage2("poweroff")).toEqual({ stopit: false, reboot: false });
    expect(await inStage2("reboot")).toEqual({ stopit: false, reboot: true });
    expect(await inStage2("halt")).toEqual({ stopit: false, reboot: false });
    expect(await inStage2("poweroff", { "runit.reboot": 0o100 })).toEqual({ stopit: false, reboot: false });
  });
  it("before stage 2: poweroff makes runit.stopit executable, not runit.reboot, and wakes PID 1", async () => {
    expect(await withoutStage2("poweroff")).toEqual({ stopit: true, reboot: false });
  });
  it("before stage 2: reboot makes both executable", async () => {
    expect(await withoutStage2("reboot")).toEqual({ stopit: true, reboot: true });
  });
  it("before stage 2: halt powers off", async () => {
    expect(await withoutStage2("halt")).toEqual({ stopit: true, reboot: false });
  });
  it("poweroff after an interrupted reboot takes runit.reboot's execute bit away", async () => {
    expect(await withoutStage2("poweroff", { "runit.reboot": 0o100 })).toEqual({ stopit: true, reboot: false });
  });
  it("signals no process a stale id names: runit's way when the id is not runsvdir's", async () => {
    // Not a live process: a TERM to it would fail the command.
    expect(await withoutStage2("poweroff", {}, (dir) => stage2(dir, NO_PID, "sh"))).toEqual({ stopit: true, reboot: false });
  });
  it("refuses, saying why, when runit's flag files cannot be written", () => {
    const dir = temp();
    mkdirSync(join(dir, "run"));
    writeFileSync(join(dir, "run", "runit.stopit"), "");
    chmodSync(join(dir, "run"), 0o500);
    chmodSync(join(dir, "run", "runit.stopit"), 0o400);
    // As root the shell can write anyway: run the check as nobody.
    const source = generated(dir, "/usr/sbin/poweroff");
    const asNobody = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", source] : ["sh", "-c", source];
    const r = spawnSync(asNobody[0]!, asNobody.slice(1), { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("poweroff: cannot write runit's flag files in");
    expect(r.stderr).toContain("run it as root");
  });
});

describe("Ctrl-Alt-Del", () => {
  it("ends runsvdir and makes runit.reboot executable, so runit reboots after stage 3", async () => {
    const dir = temp();
    mkdirSync(join(dir, "run"));
    const runsvdir = await standIn("TERM");
    stage2(dir, runsvdir.pid, "runsvdir");
    const r = spawnSync("sh", ["-c", generated(dir, "/etc/runit/ctrlaltdel")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("notos: Ctrl-Alt-Del: rebooting\n");
    await runsvdir.got;
    expect(statSync(join(dir, "run", "runit.reboot")).mode & 0o100).not.toBe(0);
    expect(existsSync(join(dir, "run", "runit.stopit"))).toBe(false);
  });
  it("without runsvdir, makes both flag files executable for runit's own way", () => {
    const dir = temp();
    mkdirSync(join(dir, "run"));
    const r = spawnSync("sh", ["-c", generated(dir, "/etc/runit/ctrlaltdel")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["runit.stopit", "runit.reboot"]) expect(statSync(join(dir, "run", f)).mode & 0o100).not.toBe(0);
  });
});

describe("stage 2", () => {
  it("starts runsvdir with PATH alone in its environment, whatever runit passed on", () => {
    const dir = temp();
    // runsvdir's stand-in prints the environment it was started with.
    writeScript(join(dir, "runsvdir"), "#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/environ\n");
    const source = generated(dir, "/etc/runit/2", NO_PID, (s) => s.replace(/^exec runsvdir /m, "exec ./runsvdir "));
    const script = writeScript(join(dir, "2"), source);
    // What the kernel and stage 1 leave (HOME, TERM, PWD, SHLVL), and a value that looks like another line of `export -p`.
    const env = { HOME: "/", TERM: "linux", PWD: "/", SHLVL: "1", NOTE: "a\nexport PATH_TOO=1", PATH: "/usr/bin:/bin" };
    const r = spawnSync("sh", [script], { env, cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("PATH=/usr/sbin:/usr/bin:/sbin:/bin\n");
  });
  it("leaves runsvdir's process id in /run for poweroff and reboot", () => {
    const dir = temp();
    mkdirSync(join(dir, "run"));
    writeScript(join(dir, "runsvdir"), "#!/bin/sh\necho $$\n");
    const source = generated(dir, "/etc/runit/2", NO_PID, (s) => s.replace(/^exec runsvdir /m, "exec ./runsvdir "));
    const r = spawnSync("sh", [writeScript(join(dir, "2"), source)], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(readFileSync(join(dir, "run", "runit.stage-2.pid"), "utf8")).toBe(r.stdout);
  });
});
