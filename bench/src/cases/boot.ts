// Boot timings under TCG, each run paired with a floor run (same kernel, an
// initrd that powers off at once), and the guest's boot timeline.
//   stage2   QEMU start → the console shows `enter stage: /etc/runit/2`
//   http     QEMU start → nginx answers a real HTTP request on the forwarded port 80
//   https    QEMU start → nginx answers over TLS on the forwarded port 443 (on a
//            first boot it takes the TLS server in once the certificate is made)
//   ssh      QEMU start → `ssh … true` succeeds with the bench's own key
//   poweroff `poweroff` sent → QEMU has exited
//   floor    QEMU start → QEMU exit with the floor initrd
// and one boot under QEMU -icount (guest time counts instructions, so its
// timeline is the same on a busy host): where the guest's own work goes.
import { request } from "node:https";
import { join } from "node:path";
import { rm } from "node:fs/promises";
import { assembleDist, buildSystem } from "@notos/cli";
import { distFiles, Machine, retry } from "@notos/qemu";
import type { ConsoleLine } from "@notos/qemu/console";
import { buildFloorInitrd, FLOOR_MARK } from "../floor.js";
import { firstSuccess, inFlightFor } from "../probe.js";
import { scratchDir } from "../repo.js";
import { summarize, type Summary } from "../stats.js";
import { benchReporter, benchSystem, bootExtras, importRepoSystem, makeKey } from "../system.js";
import { consoleEvents, GUEST_FILE_TIMES_COMMAND, guestFileEvents, serviceEvents, SERVICE_STATUS_COMMAND, type TimelineEvent } from "../timeline.js";

export const BOOT_FIGURES = ["stage2", "http", "https", "ssh"] as const;
export type BootFigure = (typeof BOOT_FIGURES)[number];

export interface BootRun {
  floor: number;
  /** Guest uptime when the floor's /init ran. */
  floorInitGuest?: number;
  stage2: number;
  http: number;
  https: number;
  ssh: number;
  poweroff: number;
  /** Of poweroff: runit stage 3 stopping the services (console "stopping services" → "services stopped"), host clock. */
  stopServices?: number;
  timeline: TimelineEvent[];
}

export interface BootResult {
  runs: BootRun[];
  floor: Summary;
  poweroff: Summary;
  stopServices?: Summary;
  /**
   * One boot under `-icount shift=2,sleep=off`: guest uptimes of stage 1,
   * the services and their keys. Deterministic (the same on a busy host),
   * but it counts the guest's instructions only, not TCG translating code.
   */
  guestTime?: TimelineEvent[];
  /** Per figure: seconds from QEMU start, seconds above the floor, and the ratio to the floor (each run against its own floor run). */
  figures: Record<BootFigure, { time: Summary; aboveFloor: Summary; ratio: Summary }>;
}

/** How long one HTTP probe waits for its answer, and how often a new one starts. */
const HTTP_ATTEMPT_TIMEOUT_MS = 5_000;
const HTTP_EVERY_MS = 200;

const since = (machine: Machine) => (Date.now() - machine.console.startedAt) / 1000;

export async function runBootCase(runs: number, log: (line: string) => void): Promise<BootResult> {
  const dir = await scratchDir("boot");
  try {
    const { key, publicKey } = makeKey(dir);
    const system = benchSystem(dir, [await importRepoSystem(), ...bootExtras(publicKey)]);
    const reporter = benchReporter();
    log("boot: building the system (repository store)");
    const built = await buildSystem(system, { reporter });
    const dist = join(dir, "dist");
    await assembleDist(dist, built, system.config);
    const files = distFiles(dist);
    const floorInitrd = await buildFloorInitrd(system, dir, reporter);
    const all: BootRun[] = [];
    for (let i = 1; i <= runs; i++) {
      const floor = await bootFloor({ ...files, initrd: floorInitrd }, system.config);
      const run = await bootOnce(files, system.config, key);
      all.push({ ...run, floor: floor.exit, ...(floor.initGuest !== undefined ? { floorInitGuest: floor.initGuest } : {}) });
      log(`boot ${i}/${runs}: floor ${floor.exit.toFixed(2)} s, stage 2 ${run.stage2.toFixed(2)} s, http ${run.http.toFixed(2)} s, https ${run.https.toFixed(2)} s, ssh ${run.ssh.toFixed(2)} s, poweroff ${run.poweroff.toFixed(2)} s`);
    }
    const guestTime = await bootCountingInstructions(files, system.config);
    log(`boot under -icount: ${guestTime.map((e) => `${e.name} ${e.guest?.toFixed(2)}`).join(", ")}`);
    const figure = (f: BootFigure) => ({
      time: summarize(all.map((r) => r[f])),
      aboveFloor: summarize(all.map((r) => r[f] - r.floor)),
      ratio: summarize(all.map((r) => r[f] / r.floor)),
    });
    return {
      runs: all,
      floor: summarize(all.map((r) => r.floor)),
      poweroff: summarize(all.map((r) => r.poweroff)),
      ...(all.every((r) => r.stopServices !== undefined) ? { stopServices: summarize(all.map((r) => r.stopServices!)) } : {}),
      guestTime,
      figures: { stage2: figure("stage2"), http: figure("http"), https: figure("https"), ssh: figure("ssh") },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Files = ConstructorParameters<typeof Machine>[0]["files"] & {};

async function bootFloor(files: Files, config: Machine["config"]): Promise<{ exit: number; initGuest?: number }> {
  const machine = new Machine({ files, config, accel: "tcg", name: "floor" });
  try {
    await machine.start();
    const status = await machine.waitForExit(120_000);
    const exit = since(machine);
    if (status.code !== 0) throw new Error(`the floor VM exited with ${status.signal ?? `status ${status.code}`}:\n${machine.console.tail(20)}`);
    const m = FLOOR_MARK.exec(machine.consoleText());
    return m ? { exit, initGuest: Number(m[1]) } : { exit };
  } finally {
    machine.kill();
  }
}

async function bootOnce(files: Files, config: Machine["config"], key: string): Promise<Omit<BootRun, "floor">> {
  const machine = new Machine({ files, config, accel: "tcg", name: "bench" });
  try {
    await machine.start();
    const httpAnswered = waitForHttp(machine);
    const [stage2, http, https, ssh] = await Promise.all([
      machine.waitForConsole(/enter stage: \/etc\/runit\/2/, 180_000).then(() => lineTime(machine.console.lines, /enter stage: \/etc\/runit\/2/) ?? since(machine)),
      httpAnswered,
      httpAnswered.then(() => waitForHttps(machine)),
      waitForSsh(machine, key),
    ]);
    // Services' start times, read from runit's status files before anything else happens.
    const status = await machine.succeed(SERVICE_STATUS_COMMAND, 60_000);
    const events = consoleEvents(machine.console.lines);
    const timeline = [...events, ...serviceEvents(status), { name: "nginx answers (http)", host: http }, { name: "nginx answers (https)", host: https }, { name: "ssh … true succeeds", host: ssh }];
    const sent = Date.now();
    const code = await machine.shutdown(120_000);
    const poweroff = (Date.now() - sent) / 1000;
    if (code !== 0) throw new Error(`QEMU exited with status ${code} after poweroff`);
    const stopping = lineTime(machine.console.lines, /notos: stopping services/);
    const stopped = lineTime(machine.console.lines, /notos: services stopped/);
    const stopServices = stopping !== undefined && stopped !== undefined ? stopped - stopping : undefined;
    return { stage2, http, https, ssh, poweroff, ...(stopServices !== undefined ? { stopServices } : {}), timeline };
  } finally {
    machine.kill();
  }
}

/** Guest instruction count as the clock: QEMU's -icount with 2^2 ns per instruction, and no sleeping while the guest idles. */
const ICOUNT_ARGS = ["-icount", "shift=2,sleep=off"];

async function bootCountingInstructions(files: Files, config: Machine["config"]): Promise<TimelineEvent[]> {
  const machine = new Machine({ files, config, accel: "tcg", name: "bench-icount", extraArgs: ICOUNT_ARGS });
  try {
    await machine.start();
    await machine.waitForConsole(/Server listening on /, 300_000);
    // The last first-boot step: nginx takes its TLS server in.
    await machine.waitForFile("/run/nginx-tls/tls.conf", { timeoutMs: 300_000 });
    const marks = guestFileEvents(await machine.succeed(GUEST_FILE_TIMES_COMMAND, 60_000));
    const services = serviceEvents(await machine.succeed(SERVICE_STATUS_COMMAND, 60_000)).filter((e) => /nginx|sshd/.test(e.name));
    const stages = consoleEvents(machine.console.lines).filter((e) => e.guest !== undefined);
    return [...stages.map((e) => ({ name: e.name, guest: e.guest! })), ...services, ...marks].sort((a, b) => a.guest! - b.guest!);
  } finally {
    machine.kill();
  }
}

function lineTime(lines: readonly ConsoleLine[], re: RegExp): number | undefined {
  return lines.find((l) => re.test(l.text))?.t;
}

/** Real HTTP requests to nginx through the forwarded port until one gets a 2xx answer. */
function waitForHttp(machine: Machine): Promise<number> {
  const url = `http://${machine.forwardedHost(80)}:${machine.forwardedPort(80)}/`;
  const get = () => fetch(url, { signal: AbortSignal.timeout(HTTP_ATTEMPT_TIMEOUT_MS) }).then(async (r) => (await r.arrayBuffer(), r.ok));
  return firstSuccess(`nginx on ${url}`, get, { everyMs: HTTP_EVERY_MS, inFlight: inFlightFor(HTTP_ATTEMPT_TIMEOUT_MS, HTTP_EVERY_MS), now: () => since(machine) });
}

/**
 * TLS requests to nginx until one gets a 2xx answer, one at a time and only
 * once http answered: the guest's network is up by then, so a refused
 * connection comes back at once, and each handshake is work for the guest's
 * one CPU that would slow the other figures. The certificate is the guest's
 * own, self-signed: the probe times the answer, it does not check whom it
 * came from (the boot tests do).
 */
function waitForHttps(machine: Machine): Promise<number> {
  const host = machine.forwardedHost(443);
  const port = machine.forwardedPort(443);
  const get = () =>
    new Promise<boolean>((resolve) => {
      const req = request({ host, port, path: "/", rejectUnauthorized: false, timeout: 5_000 }, (res) => {
        res.resume();
        res.on("end", () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(false));
      req.end();
    });
  return firstSuccess(`nginx on https://${host}:${port}/`, get, { everyMs: 200, inFlight: 1, now: () => since(machine) });
}

/**
 * When `ssh … true` first succeeds: once sshd says on the console that it
 * listens, one login at a time, as a user would run it. The bench does not
 * probe the port: every connection makes sshd start a new process for it,
 * and probes that give up on a slow guest (or several logins at once) pile
 * up processes on the guest's one CPU and delay the login being timed.
 */
async function waitForSsh(machine: Machine, key: string): Promise<number> {
  await machine.waitForConsole(/Server listening on /, 180_000);
  return retry({
    timeoutMs: 180_000,
    intervalMs: 200,
    probe: async (left) => {
      const r = await machine.ssh("true", { key, timeoutMs: Math.min(30_000, left) }).catch((error: Error) => ({ status: undefined, error }));
      return r.status === 0 ? { done: true, value: since(machine) } : { done: false, saw: "error" in r ? r.error.message : `status ${r.status}` };
    },
    timeout: (saw, ms) => new Error(`ssh … true did not succeed within ${ms / 1000} s after sshd listened${saw ? ` (last: ${saw})` : ""}`),
  });
}
