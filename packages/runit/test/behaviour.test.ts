// The generated scripts run, with the paths that would touch this machine
// (PID 1's flag files, /proc/sysrq-trigger) pointed into a temporary directory.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { find, layerOf, text } from "./helpers.js";

const { entries } = layerOf({ services: { web: { run: "exec web" } } });
const temp = () => mkdtempSync(join(tmpdir(), "notos-runit-"));

function writeScript(dir: string, name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  chmodSync(path, 0o755);
  return path;
}

/** The stage-2 init with every path that reaches outside the test replaced. */
function stage2Init(dir: string, runit = "/usr/sbin/runit"): string {
  return text(find(entries, "/usr/lib/notos/stage-2"))
    .replaceAll("/proc/sysrq-trigger", join(dir, "sysrq"))
    .replaceAll("/proc/cmdline", join(dir, "cmdline"))
    .replaceAll("/usr/sbin/runit", runit)
    .replaceAll("/etc/runit/1", join(dir, "stage-1"))
    .replace("  sleep 5\n", ""); // the wait for the power-off to happen
}

describe("the stage-2 init", () => {
  it("refuses to run when it is not PID 1, says why, and powers off", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "console=ttyS0 quiet\n");
    const r = spawnSync("sh", [writeScript(dir, "stage-2", stage2Init(dir))], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("<<< notos stage 2 >>>");
    expect(r.stderr).toMatch(/FATAL: must run as PID 1 \(runit only works as PID 1\); this is PID \d+/);
    expect(readFileSync(join(dir, "sysrq"), "utf8")).toBe("o\n");
  });

  it("starts a shell instead when the command line has notos.shell", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "console=ttyS0 notos.shell\n");
    const r = spawnSync("sh", [writeScript(dir, "stage-2", stage2Init(dir))], { encoding: "utf8", input: "echo in-the-shell\n" });
    expect(r.stderr).toContain("notos.shell is set: starting a shell");
    expect(r.stdout).toContain("in-the-shell");
  });

  const canUnshare = process.getuid?.() === 0 && spawnSync("unshare", ["--fork", "--pid", "--mount", "--mount-proc", "true"]).status === 0;
  it.skipIf(!canUnshare)("as PID 1 (in a PID and mount namespace) checks its mounts and execs runit", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "\n");
    writeScript(dir, "stage-1", "#!/bin/sh\n");
    const runit = writeScript(dir, "runit", '#!/bin/sh\necho "runit is PID $$"\n');
    const script = writeScript(dir, "stage-2", stage2Init(dir, runit));
    const r = spawnSync("unshare", ["--fork", "--pid", "--mount", "--mount-proc", "sh", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("notos stage 2: starting runit\nrunit is PID 1\n");
  });

  it.skipIf(!canUnshare)("as PID 1 stops loudly when runit is missing", () => {
    const dir = temp();
    writeFileSync(join(dir, "cmdline"), "\n");
    writeScript(dir, "stage-1", "#!/bin/sh\n");
    const script = writeScript(dir, "stage-2", stage2Init(dir, join(dir, "no-runit")));
    const r = spawnSync("unshare", ["--fork", "--pid", "--mount", "--mount-proc", "sh", script], { encoding: "utf8" });
    expect(r.stderr).toMatch(/FATAL: .*no-runit is missing \(the runit package is not in the root\)/);
    expect(readFileSync(join(dir, "sysrq"), "utf8")).toBe("o\n");
  });
});

describe("poweroff, reboot and halt", () => {
  /** Run the command against a stand-in for PID 1 that reports SIGCONT. */
  async function run(command: string) {
    const dir = temp();
    const pid1 = spawn("sh", ["-c", 'trap "echo CONT; exit 0" CONT; echo ready; while :; do sleep 0.05; done'], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const got = new Promise<string>((resolve) => {
      pid1.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("ready") && !out.includes("started")) {
          out += "started";
          const source = text(find(entries, `/usr/sbin/${command}`))
            .replaceAll("/run/runit.", join(dir, "runit."))
            .replace("kill -CONT 1", `kill -CONT ${pid1.pid}`)
            .replace('"$(id -u)"', "0");
          const r = spawnSync("sh", ["-c", source], { encoding: "utf8" });
          expect(r.status, r.stderr).toBe(0);
        }
        if (out.includes("CONT")) resolve(out);
      });
    });
    await got;
    const mode = (f: string) => (statSync(join(dir, f)).mode & 0o777).toString(8);
    return { stopit: mode("runit.stopit"), reboot: mode("runit.reboot") };
  }

  it("poweroff makes runit.stopit executable, not runit.reboot, and wakes PID 1", async () => {
    expect(await run("poweroff")).toEqual({ stopit: "100", reboot: "0" });
  });
  it("reboot makes both executable", async () => {
    expect(await run("reboot")).toEqual({ stopit: "100", reboot: "100" });
  });
  it("halt powers off", async () => {
    expect(await run("halt")).toEqual({ stopit: "100", reboot: "0" });
  });
});
