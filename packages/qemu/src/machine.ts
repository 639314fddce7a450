// Machine: one QEMU VM driven from a test, modelled on the NixOS test driver
// (start, waitForConsole, succeed, fail, screenshot, shutdown, crash).
//
// QEMU runs in the background; the serial console is its stdin and stdout
// (stdin stays silent unless a test types with sendConsole); QMP and the test
// shell (hvc0) are unix sockets in a private temporary directory.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { shellQuote } from "@notos/core/text";
import { execa } from "execa";
import { distFiles, qemuArgs, QEMU_BINARY, type Accel, type DistFiles } from "./args.js";
import { resolveAccel } from "./accel.js";
import { defaultVmConfig, type VmConfig, type VmPortForward } from "./config.js";
import { ConsoleLog } from "./console.js";
import { MachineError, QemuError } from "./errors.js";
import { findExecutable, isReadable } from "./path.js";
import { ppmToPng } from "./png.js";
import { remapForwards } from "./ports.js";
import { QmpClient, QmpError } from "./qmp.js";
import { track } from "./reaper.js";
import { ShellSession, ShellTimeout, type ExecResult } from "./shell.js";

export type { ExecResult } from "./shell.js";

export interface MachineOptions {
  /** A dist directory (kernel, initrd, root.squashfs, command-line). */
  dist?: string;
  /** Or the files themselves. */
  files?: DistFiles;
  /** The VM's `qemu` options and the system's name (an evaluated SystemConfig will do); default: defaultVmConfig(). */
  config?: VmConfig;
  /** Name used in log lines and errors; default: config.system.name. */
  name?: string;
  /** Extra QEMU arguments, after config.qemu.extraArgs. */
  extraArgs?: string[];
  /** Acceleration; default config.qemu.accel. NOTOS_ACCEL always wins. */
  accel?: Accel | "auto";
  /** Write a timestamped copy of the serial console to this file. */
  consoleLog?: string;
  /** QEMU binary; default NOTOS_QEMU or qemu-system-x86_64. */
  qemu?: string;
  /** Use the configured host ports instead of free ephemeral ones (default false: tests must not collide). */
  keepHostPorts?: boolean;
  /** Default timeout of shell commands; default 60 s. */
  commandTimeoutMs?: number;
  /** Receives driver log lines ("machine: starting") and console lines ("machine# …"). */
  log?: (line: string) => void;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SshOptions {
  /** Private key file. */
  key: string;
  /** Default "root". */
  user?: string;
  /** Host port; default: the host port forwarded to guest port 22. */
  port?: number;
  /** Default 60 s. */
  timeoutMs?: number;
}

export interface SshResult extends ExecResult {
  stderr: string;
}

const TAIL_LINES = 50;

// The codes and hints of a MachineError, whose message already holds the console tail to read.
const EXITED = { code: "QEMU_EXITED", hint: "the console lines above show why the guest stopped" };
const TIMEOUT = { code: "QEMU_TIMEOUT", hint: "the console lines above show how far the guest got; under TCG it may only need a longer timeout" };
const COMMAND = { code: "QEMU_COMMAND", hint: "the command's stderr is in the console lines above" };

function notStarted(name: string, what: string): QemuError {
  return new QemuError(`${name}: ${what} before start()`, { code: "QEMU_MACHINE_STATE", hint: "await machine.start() first" });
}

export class Machine {
  readonly name: string;
  readonly config: VmConfig;
  private readonly options: MachineOptions;
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private qmp: QmpClient | undefined;
  private shell: ShellSession | undefined;
  private shellConnecting: Promise<ShellSession> | undefined;
  private consoleFile: WriteStream | undefined;
  private stderrTail = "";
  private forwards: readonly VmPortForward[] = [];
  /** Set when QEMU exits. */
  private exitStatus: ExitStatus | undefined;
  /**
   * Set once QEMU has exited and its output has been read to the end; exit
   * waiters are told only then, so the console they look at is complete.
   */
  private ended: ExitStatus | undefined;
  private exitWaiters = new Set<(s: ExitStatus) => void>();
  private startedAt = 0;
  /** The serial console, stripped and timestamped. */
  readonly console: ConsoleLog;
  /** The acceleration in use, once started. */
  accel: Accel | undefined;

  constructor(options: MachineOptions) {
    if (!options.dist && !options.files) throw new QemuError("new Machine() needs `dist` (a dist directory) or `files`", {
        code: "QEMU_MACHINE_OPTIONS",
        hint: 'pass `dist: "dist"` after `npm run dist`, or `files: { kernel, initrd, rootfs, commandLine }`',
      });
    this.options = options;
    this.config = options.config ?? defaultVmConfig();
    this.name = options.name ?? this.config.system.name;
    this.console = new ConsoleLog(Date.now(), (line) => {
      this.consoleFile?.write(ConsoleLog.format(line));
      this.options.log?.(`${this.name}# ${line.text}`);
    });
  }

  private log(message: string): void {
    this.options.log?.(`${this.name}: ${message}`);
  }

  /** The pid of QEMU while it runs. */
  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.exitStatus === undefined;
  }

  /** Start QEMU in the background; resolves once QEMU runs and answers on QMP. */
  async start(): Promise<void> {
    if (this.child) throw new QemuError(`${this.name}: already started`, { code: "QEMU_MACHINE_STATE", hint: "a Machine boots once: make a new one to boot again" });
    const files = this.options.files ?? distFiles(resolve(this.options.dist!));

    // Every check that can fail before QEMU starts, with a clear message.
    for (const [what, path] of Object.entries(files)) {
      if (!(await isReadable(path))) {
        throw new QemuError(`${this.name}: the ${what} file ${path} does not exist or is not readable`, { code: "QEMU_DIST_MISSING", hint: "build the system first (npm run dist)" });
      }
    }
    const qemuName = this.options.qemu ?? process.env.NOTOS_QEMU ?? QEMU_BINARY;
    const qemu = await findExecutable(qemuName);
    if (!qemu) throw new QemuError(`${qemuName} not found`, { code: "QEMU_NOT_FOUND", hint: "install QEMU (Debian: apt-get install qemu-system-x86) or set NOTOS_QEMU" });
    const commandLine = (await readFile(files.commandLine, "utf8")).trim();
    this.accel = await resolveAccel(this.options.accel ?? this.config.qemu.accel, { kernel: files.kernel, qemu });
    this.forwards = this.options.keepHostPorts ? this.config.qemu.forwards : await remapForwards(this.config.qemu.forwards);

    this.dir = await mkdtemp(join(tmpdir(), "notos-qemu-"));
    const qmpPath = join(this.dir, "qmp.sock");
    const shellPath = join(this.dir, "shell.sock");
    const args = qemuArgs(files, this.config, {
      commandLine,
      accel: this.accel,
      console: "stdio",
      forwards: this.forwards,
      extraArgs: [
        "-qmp", `unix:${qmpPath},server=on,wait=off`,
        "-device", "virtio-serial-pci",
        "-chardev", `socket,id=shell,path=${shellPath},server=on,wait=off`,
        "-device", "virtconsole,chardev=shell",
        ...(this.options.extraArgs ?? []),
      ],
    });

    if (this.options.consoleLog) this.consoleFile = createWriteStream(this.options.consoleLog);
    // setpriv makes the kernel SIGKILL QEMU when this process dies, even by SIGKILL.
    const setpriv = await findExecutable("setpriv");
    const [command, argv] = setpriv ? [setpriv, ["--pdeathsig", "KILL", qemu, ...args]] : [qemu, args];
    this.log(`starting QEMU (${this.accel})`);
    this.startedAt = Date.now();
    this.console.startedAt = this.startedAt;
    const child = spawn(command, argv, { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    track(child);
    // A write after QEMU is gone fails with EPIPE; sendConsole reports that itself.
    child.stdin!.on("error", () => undefined);
    child.stdout!.on("data", (d: Buffer) => this.console.push(d));
    child.stderr!.on("data", (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString("utf8")).slice(-4000);
    });
    child.once("exit", (code, signal) => {
      this.exitStatus = { code, signal };
      this.log(`QEMU exited (${signal ?? `status ${code}`})`);
    });
    // The last output has been read: clean up, then tell the waiters.
    child.once("close", (code, signal) => {
      this.exitStatus ??= { code, signal };
      this.console.end();
      this.qmp?.close();
      this.shell?.close();
      this.consoleFile?.end();
      if (this.dir) void rm(this.dir, { recursive: true, force: true });
      this.ended = this.exitStatus;
      for (const w of this.exitWaiters) w(this.ended);
      this.exitWaiters.clear();
    });
    child.once("error", (e) => {
      this.stderrTail += `\n${e.message}`;
    });

    try {
      this.qmp = await this.connectQmp(qmpPath, 15_000);
    } catch (e) {
      this.kill();
      await this.waitForExit(5_000).catch(() => undefined);
      throw this.error(`QEMU did not start: ${(e as Error).message}`, { code: "QEMU_START", hint: "QEMU's own message is above; ./dist/runvm starts the same VM by hand" });
    }
    this.log(`QEMU running (pid ${child.pid})`);
  }

  /** Connect to QMP, retrying while QEMU has not yet created the socket or not yet listens on it. */
  private async connectQmp(path: string, timeoutMs: number): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitStatus) throw new QemuError(`QEMU exited at once (${this.describeExit(this.exitStatus)})`, { code: "QEMU_START" });
      try {
        return await QmpClient.connect(path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code !== "ENOENT" && code !== "ECONNREFUSED") || Date.now() > deadline) throw e;
      }
      await sleep(20);
    }
  }

  private describeExit(s: ExitStatus): string {
    return s.signal ? `killed by ${s.signal}` : `status ${s.code}`;
  }

  /** An error carrying the console tail and QEMU's stderr. */
  private error(message: string, options: { code: string; hint: string }): MachineError {
    const stderr = this.stderrTail.trim();
    const full = `${this.name}: ${message}${stderr ? `\nQEMU said: ${stderr}` : ""}`;
    return new MachineError(full, this.console.tail(TAIL_LINES), options);
  }

  private requireRunning(what: string): void {
    if (!this.child) throw notStarted(this.name, what);
    if (this.exitStatus) throw this.error(`${what}: QEMU is not running (it exited: ${this.describeExit(this.exitStatus)})`, EXITED);
  }

  /** The console text so far (stripped of \r and escape sequences). */
  consoleText(): string {
    return this.console.text();
  }

  /**
   * Wait until the serial console matches `regex` (on the text since boot, or
   * since this call with `fromNow`). Resolves with the match.
   */
  waitForConsole(regex: RegExp, timeoutMs = 60_000, options: { fromNow?: boolean } = {}): Promise<RegExpExecArray> {
    const re = new RegExp(regex.source, regex.flags.replace(/[gy]/g, ""));
    const offset = options.fromNow ? this.console.text().length : 0;
    return new Promise((resolvePromise, reject) => {
      const check = (): boolean => {
        const m = re.exec(this.console.text().slice(offset));
        if (m) {
          finish();
          resolvePromise(m);
          return true;
        }
        return false;
      };
      const onExit = () => {
        if (check()) return;
        finish();
        reject(this.error(`QEMU exited while waiting for ${regex} on the console`, EXITED));
      };
      const timer = setTimeout(() => {
        if (check()) return;
        finish();
        reject(this.error(`timed out after ${timeoutMs} ms waiting for ${regex} on the console`, TIMEOUT));
      }, timeoutMs);
      const unsubscribe = this.console.onChange(() => void check());
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
        this.exitWaiters.delete(onExit);
      };
      if (check()) return;
      if (this.ended) return onExit();
      this.exitWaiters.add(onExit);
    });
  }

  /**
   * Type `text` on the serial console, as a user at runvm's terminal would.
   * For guests without the test shell (an initrd's emergency shell, a boot
   * prompt); the bytes go as they are, so end a line with "\n".
   */
  async sendConsole(text: string): Promise<void> {
    this.requireRunning("sendConsole");
    const stdin = this.child!.stdin!;
    await new Promise<void>((resolvePromise, reject) =>
      stdin.write(text, (e) => (e ? reject(this.error(`could not write to the serial console: ${e.message}`, EXITED)) : resolvePromise())),
    );
  }

  private async connectShell(): Promise<ShellSession> {
    if (this.shell) return this.shell;
    this.shellConnecting ??= ShellSession.connect(join(this.dir!, "shell.sock")).then((s) => (this.shell = s));
    return this.shellConnecting;
  }

  /** Wait until the guest's test shell (testInstrumentation) answers on hvc0. */
  async waitForShell(timeoutMs = 120_000): Promise<void> {
    this.requireRunning("waitForShell");
    const shell = await this.connectShell();
    try {
      await this.raceExit(shell.waitReady(timeoutMs), "waiting for the test shell");
    } catch (e) {
      if (e instanceof ShellTimeout)
        throw this.error(`the test shell on hvc0 did not answer within ${timeoutMs} ms`, { code: "QEMU_TIMEOUT", hint: "is the testInstrumentation module imported?" });
      throw e;
    }
    this.log("connected to the guest's test shell");
  }

  /** Reject when QEMU exits before `p` settles. */
  private raceExit<T>(p: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolvePromise, reject) => {
      const onExit = (s: ExitStatus) => reject(this.error(`QEMU exited (${this.describeExit(s)}) while ${what}`, EXITED));
      if (this.ended) return onExit(this.ended);
      this.exitWaiters.add(onExit);
      p.then(resolvePromise, reject).finally(() => this.exitWaiters.delete(onExit));
    });
  }

  /** Run a shell command in the guest as root: its exit status and stdout (stderr goes to the console). */
  async execute(command: string, timeoutMs = this.options.commandTimeoutMs ?? 60_000): Promise<ExecResult> {
    this.requireRunning("execute");
    const started = Date.now();
    await this.waitForShell(timeoutMs);
    const left = Math.max(1, timeoutMs - (Date.now() - started));
    try {
      const result = await this.raceExit(this.shell!.execute(command, left), `running \`${command}\``);
      this.log(`\`${command}\` → exit status ${result.status}`);
      return result;
    } catch (e) {
      if (e instanceof ShellTimeout) throw this.error(`\`${command}\` did not finish within ${timeoutMs} ms`, TIMEOUT);
      // The shell's socket closes a moment before QEMU's exit is seen: say which it was.
      const exit = await this.waitForExit(2_000).catch(() => undefined);
      if (exit) throw this.error(`QEMU exited (${this.describeExit(exit)}) while running \`${command}\``, EXITED);
      throw e;
    }
  }

  /** Run a command that must succeed; resolves with its stdout. */
  async succeed(command: string, timeoutMs?: number): Promise<string> {
    const r = await this.execute(command, timeoutMs);
    if (r.status !== 0) throw this.error(`command failed with exit status ${r.status}: \`${command}\`\nstdout: ${r.stdout}`, COMMAND);
    return r.stdout;
  }

  /** Run a command that must fail; resolves with its stdout. */
  async fail(command: string, timeoutMs?: number): Promise<string> {
    const r = await this.execute(command, timeoutMs);
    if (r.status === 0) throw this.error(`command succeeded but should have failed: \`${command}\`\nstdout: ${r.stdout}`, COMMAND);
    return r.stdout;
  }

  /** Retry a command (every `intervalMs`) until it succeeds; resolves with its stdout. */
  async waitUntilSucceeds(command: string, timeoutMs = 60_000, intervalMs = 1000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last: ExecResult | undefined;
    while (Date.now() < deadline) {
      last = await this.execute(command, Math.max(1, deadline - Date.now()));
      if (last.status === 0) return last.stdout;
      await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
    }
    throw this.error(`\`${command}\` did not succeed within ${timeoutMs} ms (last exit status ${last?.status}, stdout: ${last?.stdout ?? ""})`, TIMEOUT);
  }

  /** Retry a command until it fails. */
  async waitUntilFails(command: string, timeoutMs = 60_000, intervalMs = 1000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await this.execute(command, Math.max(1, deadline - Date.now()));
      if (r.status !== 0) return r.stdout;
      await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
    }
    throw this.error(`\`${command}\` did not fail within ${timeoutMs} ms`, TIMEOUT);
  }

  /**
   * Wait until something in the guest listens on a TCP port, checked inside
   * the guest (/proc/net/tcp{,6}): QEMU's port forward accepts connections
   * even when nothing listens, so a host-side probe proves nothing.
   */
  async waitForOpenPort(guestPort: number, timeoutMs = 60_000): Promise<void> {
    await this.waitUntilSucceeds(listeningCommand(guestPort), timeoutMs);
  }

  /** Wait until runit reports a service as running (`sv status` says "run:"). */
  async waitForService(name: string, timeoutMs = 60_000): Promise<void> {
    await this.waitUntilSucceeds(`case "$(sv status ${shellQuote(name)} 2>/dev/null)" in run:*) exit 0;; esac; exit 1`, timeoutMs);
  }

  /** The host port forwarded to a guest port (from config.qemu.forwards, remapped unless keepHostPorts). */
  forwardedPort(guestPort: number, proto: "tcp" | "udp" = "tcp"): number {
    if (!this.child) throw notStarted(this.name, "forwardedPort()");
    const f = this.forwards.find((x) => x.guest === guestPort && x.proto === proto);
    if (!f) throw new QemuError(`${this.name}: guest ${proto} port ${guestPort} is not forwarded`, { code: "QEMU_NOT_FORWARDED", hint: "add it to qemu.forwards in the configuration" });
    return f.host;
  }

  /** The host address a forward listens on. */
  forwardedHost(guestPort: number): string {
    const f = this.forwards.find((x) => x.guest === guestPort);
    return !f || f.bind === "" || f.bind === "0.0.0.0" ? "127.0.0.1" : f.bind;
  }

  /** Run a command over ssh through the forwarded port (the host's `ssh`, key only, no host key checks). */
  async ssh(command: string, options: SshOptions): Promise<SshResult> {
    this.requireRunning("ssh");
    const port = options.port ?? this.forwardedPort(22);
    const r = await execa(
      "ssh",
      [
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes",
        "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=20",
        "-i", options.key,
        "-p", String(port),
        `${options.user ?? "root"}@${this.forwardedHost(22)}`,
        command,
      ],
      { stdin: "ignore", reject: false, timeout: options.timeoutMs ?? 60_000, killSignal: "SIGKILL" },
    );
    if (r.timedOut) throw this.error(`ssh \`${command}\` timed out`, TIMEOUT);
    return { status: r.exitCode ?? 255, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** Save the screen as a PNG (QMP screendump; converted from PPM when QEMU cannot write PNG). */
  async screenshot(file: string): Promise<void> {
    this.requireRunning("screenshot");
    const target = resolve(file);
    try {
      await this.qmp!.execute("screendump", { filename: target, format: "png" });
    } catch (e) {
      if (!(e instanceof QmpError) || e.errorClass !== "GenericError") throw e;
      // Older QEMU: no `format`. Take a PPM and convert it here.
      const ppm = join(this.dir!, "screen.ppm");
      await this.qmp!.execute("screendump", { filename: ppm });
      await writeFile(target, ppmToPng(await readFile(ppm)));
    }
    this.log(`screenshot saved to ${target}`);
  }

  /** Send a QMP command. */
  qmpCommand<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    this.requireRunning("qmpCommand");
    return this.qmp!.execute<T>(command, args);
  }

  /** Resolves when QEMU has exited and all its console output is in; rejects (and kills it) after `timeoutMs`. */
  async waitForExit(timeoutMs = 60_000): Promise<ExitStatus> {
    if (this.ended) return this.ended;
    if (!this.child) throw notStarted(this.name, "waitForExit()");
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.exitWaiters.delete(done);
        this.kill();
        reject(this.error(`QEMU did not exit within ${timeoutMs} ms; killed it`, TIMEOUT));
      }, timeoutMs);
      const done = (s: ExitStatus) => {
        clearTimeout(timer);
        resolvePromise(s);
      };
      this.exitWaiters.add(done);
    });
  }

  /** Power the guest off (`poweroff` in its shell) and wait for QEMU to exit by itself; resolves with its exit status. */
  async shutdown(timeoutMs = 60_000, command = "poweroff"): Promise<number> {
    this.requireRunning("shutdown");
    this.log("shutting down");
    const started = Date.now();
    await this.waitForShell(timeoutMs);
    await this.shell!.send(command);
    const s = await this.waitForExit(Math.max(1, timeoutMs - (Date.now() - started)));
    if (s.code === null) throw this.error(`QEMU ended by ${s.signal} instead of exiting`, EXITED);
    return s.code;
  }

  /** Stop the VM abruptly (QMP quit; SIGKILL if QEMU does not go within 5 s). */
  async crash(): Promise<ExitStatus> {
    if (!this.isRunning) return this.exitStatus ?? { code: null, signal: null };
    this.log("crashing");
    await this.qmp?.execute("quit").catch(() => undefined);
    return this.waitForExit(5_000).catch(() => this.waitForExit(5_000));
  }

  /** SIGKILL QEMU now (safe to call any time, e.g. in afterEach). */
  kill(): void {
    if (this.isRunning) this.child!.kill("SIGKILL");
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A guest command that succeeds when a TCP socket listens on `port` (needs only sh and /proc). */
export function listeningCommand(port: number): string {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return `for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] || continue; while read -r _ local _ st _; do case "$local $st" in *:${hex}\\ 0A) exit 0;; esac; done < "$f"; done; exit 1`;
}
