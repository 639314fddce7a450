// Machine: one QEMU VM driven from a test, with the NixOS test driver's calls
// in TypeScript (succeed, waitUntilSucceeds, waitForOpenPort, sendKeys,
// getScreenText, block, reboot, shutdown, …; docs/testing.md maps them).
//
// QEMU runs in the background; the serial console is its stdin and stdout
// (stdin stays silent unless a test types on it); QMP and the test shell
// (hvc0) are unix sockets in a private temporary directory. Commands go to
// the test shell, or over ssh on a system without it. Every wait is one
// retry loop (retry.ts) and takes an options object: `{ timeoutMs }`.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { findHostProgram, requireHostProgram } from "@notos/core/host";
import { shellQuote } from "@notos/core/text";
import { distFiles, qemuArgs, QEMU_BINARY, type Accel, type DistFiles } from "./args.js";
import { resolveAccel } from "./accel.js";
import { OVMF_FIRMWARE, OVMF_SECURE_BOOT_CODE, type BootMedia } from "./boot-media.js";
import { defaultVmConfig, type VmConfig, type VmPortForward } from "./config.js";
import { ConsoleLog } from "./console.js";
import { MachineError, QemuError } from "./errors.js";
import { charsToCombos, keyCombo, sendKeyArgs, serialBytes } from "./keys.js";
import { testMac, type VirtualNetwork } from "./network.js";
import { ocrPng } from "./ocr.js";
import { isReadable } from "./path.js";
import { ppmToPng } from "./png.js";
import { freePort, remapForwards } from "./ports.js";
import { QmpClient, QmpError } from "./qmp.js";
import { track } from "./reaper.js";
import { asOptions, retry, type Attempt, type RetryOptions } from "./retry.js";
import { ShellSession, ShellTimeout, type ExecResult } from "./shell.js";
import { sshRun, type SshTarget } from "./ssh.js";

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
  /**
   * Run commands over ssh, for a system without the test shell: a private
   * key whose public half the guest user's authorized keys hold. The guest's
   * ssh port is reached through its forward (added at run time when the
   * configuration has none).
   */
  ssh?: SshLogin;
  /** Where commands go: "shell" (the test shell on hvc0; the default without `ssh`) or "ssh" (the default with it). */
  commands?: "shell" | "ssh";
  /** Private virtual networks, one NIC each: eth1, eth2, … in this order (eth0 is the user-mode network). */
  networks?: readonly MachineNetwork[];
  /** This machine's number on its networks (MAC addresses 52:54:00:12:<nic>:<index>); default 1. */
  index?: number;
  /**
   * Cut the user-mode network (eth0) off from the host's networks, so only
   * port forwards reach the guest; default: on when `networks` are given,
   * so traffic meant for a private network can never leave through eth0.
   */
  restrictUserNet?: boolean;
  /** Boot a disk image or ISO through the firmware (BIOS or UEFI) instead of the kernel directly. */
  media?: BootMedia;
}

export interface SshLogin {
  /** Private key file. */
  key: string;
  /** Default "root". */
  user?: string;
  /** The guest's ssh port; default 22. */
  guestPort?: number;
}

export interface MachineNetwork {
  network: VirtualNetwork;
  /** Default: testMac(index, nic number). */
  mac?: string;
}

/** Options of a command: how long it may take. */
export interface CommandOptions {
  /** Default: the machine's commandTimeoutMs (60 s). */
  timeoutMs?: number;
}

/** Options of a wait: how long in total, and the pause between tries. */
export type WaitOptions = RetryOptions;

export interface ConsoleWaitOptions extends WaitOptions {
  /** Match only console text that arrives after this call. */
  fromNow?: boolean;
}

export interface ShutdownOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /**
   * "acpi": QEMU's power button (system_powerdown), which a notos guest
   * answers with a clean runit shutdown; "command": run `command` in the
   * guest. Default: "command" with the test shell, "acpi" over ssh.
   */
  via?: "acpi" | "command";
  /** The guest command of `via: "command"`; default "poweroff". */
  command?: string;
}

export interface KeyOptions {
  /** "vga": the VM's keyboard (QMP send-key, what the VGA console reads; default); "serial": bytes on the serial console. */
  to?: "vga" | "serial";
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
  /** Commands over ssh have answered since the last boot. */
  private sshReady = false;
  /** The QEMU device ids of the private networks' NICs. */
  private nics: string[] = [];
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

  /** A started machine: `await using machine = await Machine.start({ … })` kills QEMU when the scope ends. */
  static async start(options: MachineOptions): Promise<Machine> {
    const machine = new Machine(options);
    await machine.start();
    return machine;
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
    const media = this.options.media;
    const firmware = media?.ovmf ?? (media?.secureBoot ? OVMF_SECURE_BOOT_CODE : OVMF_FIRMWARE);
    if (media?.firmware === "uefi" && !(await isReadable(firmware))) {
      throw new QemuError(`${this.name}: the UEFI firmware ${firmware} is not there`, {
        code: "QEMU_FIRMWARE",
        hint: "install the Debian package ovmf (sudo apt-get install ovmf), or give media.ovmf",
      });
    }
    const qemuName = this.options.qemu ?? process.env.NOTOS_QEMU ?? QEMU_BINARY;
    const qemu = requireHostProgram({
      program: qemuName.includes("/") ? resolve(qemuName) : qemuName,
      debianPackage: "qemu-system-x86",
      neededBy: `booting the machine ${this.name}`,
      alternative: "set NOTOS_QEMU to a QEMU binary",
    });
    const commandLine = (await readFile(files.commandLine, "utf8")).trim();
    this.accel = await resolveAccel(this.options.accel ?? this.config.qemu.accel, { kernel: files.kernel, qemu });
    this.forwards = this.options.keepHostPorts ? this.config.qemu.forwards : await remapForwards(this.config.qemu.forwards);

    this.dir = await mkdtemp(join(tmpdir(), "notos-qemu-"));
    const qmpPath = join(this.dir, "qmp.sock");
    const shellPath = join(this.dir, "shell.sock");
    const networks = this.options.networks ?? [];
    this.nics = networks.map((_, i) => `nic${i + 1}`);
    const nicArgs = networks.flatMap((n, i) =>
      n.network.nicArgs({ netdev: `vlan${i + 1}`, device: `nic${i + 1}`, mac: n.mac ?? testMac(this.options.index ?? 1, i + 1) }),
    );
    const args = qemuArgs(files, this.config, {
      commandLine,
      accel: this.accel,
      console: "stdio",
      forwards: this.forwards,
      restrictUserNet: this.options.restrictUserNet ?? networks.length > 0,
      ...(this.options.media ? { media: this.options.media } : {}),
      extraArgs: [
        "-qmp", `unix:${qmpPath},server=on,wait=off`,
        "-device", "virtio-serial-pci",
        "-chardev", `socket,id=shell,path=${shellPath},server=on,wait=off`,
        "-device", "virtconsole,chardev=shell",
        ...nicArgs,
        ...(this.options.extraArgs ?? []),
      ],
    });

    if (this.options.consoleLog) this.consoleFile = createWriteStream(this.options.consoleLog);
    // setpriv makes the kernel SIGKILL QEMU when this process dies, even by SIGKILL.
    const setpriv = findHostProgram("setpriv");
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


  /** How commands reach the guest. */
  get commandsVia(): "shell" | "ssh" {
    return this.options.commands ?? (this.options.ssh ? "ssh" : "shell");
  }

  /** A probe's pause is cut short by new console output or QEMU's exit. */
  private wakeOnConsole = (retryNow: () => void): (() => void) => {
    const unsubscribe = this.console.onChange(retryNow);
    this.exitWaiters.add(retryNow);
    return () => {
      unsubscribe();
      this.exitWaiters.delete(retryNow);
    };
  };

  /**
   * Wait until the serial console matches `pattern` (a RegExp, or a string
   * it contains), on the text since boot or, with `fromNow`, since this
   * call. Resolves with the match.
   */
  async waitForConsoleText(pattern: RegExp | string, options: ConsoleWaitOptions = {}): Promise<RegExpExecArray> {
    const re = typeof pattern === "string" ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
    const offset = options.fromNow ? this.console.text().length : 0;
    return this.consoleMatch(re, offset, options);
  }

  private consoleMatch(re: RegExp, offset: number, options: WaitOptions): Promise<RegExpExecArray> {
    if (!this.child) throw notStarted(this.name, "waitForConsoleText");
    return retry({
      ...options,
      intervalMs: options.intervalMs ?? 1_000,
      wake: this.wakeOnConsole,
      probe: (): Attempt<RegExpExecArray> => {
        const m = re.exec(this.console.text().slice(offset));
        if (m) return { done: true, value: m };
        if (this.ended) throw this.error(`QEMU exited while waiting for ${re} on the console`, EXITED);
        return { done: false };
      },
      timeout: (_saw, ms) => this.error(`timed out after ${ms} ms waiting for ${re} on the console`, TIMEOUT),
    });
  }

  /** waitForConsoleText with a positional timeout, as before. */
  waitForConsole(regex: RegExp, timeoutMs = 60_000, options: { fromNow?: boolean } = {}): Promise<RegExpExecArray> {
    return this.waitForConsoleText(regex, { timeoutMs, ...options });
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

  /** Press one key combination ("ctrl-alt-delete", "ret", "shift-a") on the VM's keyboard, or send its bytes on the serial console. */
  async sendKeys(combo: string, options: KeyOptions = {}): Promise<void> {
    this.requireRunning("sendKeys");
    if (options.to === "serial") return this.sendConsole(serialBytes(combo));
    await this.qmp!.execute("send-key", sendKeyArgs(keyCombo(combo)));
  }

  /** Type text: on the VM's keyboard (US layout, one key press per character; default) or as bytes on the serial console. */
  async sendChars(text: string, options: KeyOptions & { delayMs?: number } = {}): Promise<void> {
    this.requireRunning("sendChars");
    if (options.to === "serial") return this.sendConsole(text);
    for (const keys of charsToCombos(text)) {
      await this.qmp!.execute("send-key", sendKeyArgs(keys));
      await sleep(options.delayMs ?? 10);
    }
  }

  private async connectShell(): Promise<ShellSession> {
    if (this.shell) return this.shell;
    this.shellConnecting ??= ShellSession.connect(join(this.dir!, "shell.sock")).then((s) => (this.shell = s));
    return this.shellConnecting;
  }

  private sshTarget(): SshTarget {
    const login = this.options.ssh;
    if (!login) throw new QemuError(`${this.name}: commands over ssh need a key`, { code: "QEMU_MACHINE_OPTIONS", hint: "pass `ssh: { key }` to the Machine" });
    const guest = login.guestPort ?? 22;
    return { host: this.forwardedHost(guest), port: this.forwardedPort(guest), key: login.key, user: login.user ?? "root" };
  }

  /**
   * Wait until commands can run: the test shell on hvc0 answers, or (over
   * ssh) a login with the key succeeds. The other calls wait for it first.
   */
  async waitForShell(options: number | WaitOptions = {}): Promise<void> {
    const { timeoutMs = 120_000, intervalMs } = asOptions<WaitOptions>(options);
    this.requireRunning("waitForShell");
    if (this.commandsVia === "ssh") return this.waitForSsh(timeoutMs, intervalMs);
    const shell = await this.connectShell();
    try {
      await this.raceExit(shell.waitReady(timeoutMs), "waiting for the test shell");
    } catch (e) {
      if (e instanceof ShellTimeout)
        throw this.error(`the test shell on hvc0 did not answer within ${timeoutMs} ms`, { code: "QEMU_TIMEOUT", hint: "is the testInstrumentation module imported? Without it, pass `ssh: { key }`" });
      throw e;
    }
    this.log("connected to the guest's test shell");
  }

  private async waitForSsh(timeoutMs: number, intervalMs?: number): Promise<void> {
    if (this.sshReady) return;
    const guest = this.options.ssh?.guestPort ?? 22;
    if (!this.forwards.some((f) => f.guest === guest && f.proto === "tcp")) await this.forwardPort({ guest });
    await retry({
      timeoutMs,
      intervalMs,
      stop: () => (this.exitStatus ? this.error(`QEMU exited (${this.describeExit(this.exitStatus)}) while waiting for ssh`, EXITED) : undefined),
      probe: async (left): Promise<Attempt<void>> => {
        const r = await sshRun(this.sshTarget(), "true", { timeoutMs: Math.min(left, 30_000) });
        return r.status === 0 ? { done: true, value: undefined } : { done: false, saw: r.timedOut ? "ssh timed out" : r.stderr.trim() || `exit status ${r.status}` };
      },
      timeout: (saw, ms) => this.error(`ssh did not let ${this.options.ssh?.user ?? "root"} in within ${ms} ms (last: ${saw ?? "no answer"})`, {
        code: "QEMU_TIMEOUT",
        hint: "is sshd in the system, port 22 reachable, and the key's public half in the user's authorized keys?",
      }),
    });
    this.sshReady = true;
    this.log("commands go over ssh");
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

  /** Run a shell command in the guest as root: its exit status and stdout (stderr goes to the console, or to the log over ssh). */
  async execute(command: string, options: number | CommandOptions = {}): Promise<ExecResult> {
    const { timeoutMs = this.options.commandTimeoutMs ?? 60_000 } = asOptions<CommandOptions>(options);
    this.requireRunning("execute");
    const started = Date.now();
    await this.waitForShell({ timeoutMs });
    const left = Math.max(1, timeoutMs - (Date.now() - started));
    if (this.commandsVia === "ssh") {
      const r = await this.sshCommand(command, left);
      return { status: r.status, stdout: r.stdout.toString("utf8") };
    }
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

  /** One command over ssh; ssh's own failures (status 255 with its message) are errors, the command's status is returned. */
  private async sshCommand(command: string, timeoutMs: number, input?: Uint8Array): Promise<{ status: number; stdout: Buffer }> {
    const r = await sshRun(this.sshTarget(), command, { timeoutMs, ...(input ? { input } : {}) });
    if (r.timedOut) throw this.error(`\`${command}\` did not finish within ${timeoutMs} ms (over ssh)`, TIMEOUT);
    if (r.stderr.trim()) this.log(`\`${command}\` stderr: ${r.stderr.trim()}`);
    if (r.status === 255 && /^(ssh|kex_exchange|Connection|Permission denied)|port \d+:/m.test(r.stderr)) {
      if (this.exitStatus) throw this.error(`QEMU exited (${this.describeExit(this.exitStatus)}) while running \`${command}\``, EXITED);
      throw this.error(`ssh failed running \`${command}\`: ${r.stderr.trim()}`, { code: "QEMU_SSH", hint: "is sshd still running in the guest?" });
    }
    this.log(`\`${command}\` → exit status ${r.status} (ssh)`);
    return { status: r.status, stdout: r.stdout };
  }

  /** Run a command that must succeed; resolves with its stdout. */
  async succeed(command: string, options?: number | CommandOptions): Promise<string> {
    const r = await this.execute(command, options);
    if (r.status !== 0) throw this.error(`command failed with exit status ${r.status}: \`${command}\`\nstdout: ${r.stdout}`, COMMAND);
    return r.stdout;
  }

  /** Run a command that must fail; resolves with its stdout. */
  async fail(command: string, options?: number | CommandOptions): Promise<string> {
    const r = await this.execute(command, options);
    if (r.status === 0) throw this.error(`command succeeded but should have failed: \`${command}\`\nstdout: ${r.stdout}`, COMMAND);
    return r.stdout;
  }

  /** Retry a command until its exit status is 0 (`want: "success"`) or not 0; resolves with its stdout. */
  private waitForStatus(command: string, want: "success" | "failure", options: WaitOptions, what = `\`${command}\``): Promise<string> {
    return retry({
      ...options,
      probe: async (left): Promise<Attempt<string>> => {
        let r: ExecResult;
        try {
          r = await this.execute(command, { timeoutMs: left });
        } catch (e) {
          // A try cut off by the wait's own deadline: the wait has timed out, and says what the last whole try saw.
          if (e instanceof MachineError && e.code === "QEMU_TIMEOUT") return { done: false };
          throw e;
        }
        return (r.status === 0) === (want === "success") ? { done: true, value: r.stdout } : { done: false, saw: `exit status ${r.status}, stdout: ${r.stdout.trim()}` };
      },
      timeout: (saw, ms) => this.error(`${what} did not ${want === "success" ? "succeed" : "fail"} within ${ms} ms (last: ${saw ?? "no try finished"})`, TIMEOUT),
    });
  }

  /** Retry a command (every `intervalMs`, default 1 s) until it succeeds; resolves with its stdout. */
  waitUntilSucceeds(command: string, options: number | WaitOptions = {}, intervalMs?: number): Promise<string> {
    return this.waitForStatus(command, "success", { ...asOptions<WaitOptions>(options), ...(intervalMs ? { intervalMs } : {}) });
  }

  /** Retry a command until it fails; resolves with its stdout. */
  waitUntilFails(command: string, options: number | WaitOptions = {}, intervalMs?: number): Promise<string> {
    return this.waitForStatus(command, "failure", { ...asOptions<WaitOptions>(options), ...(intervalMs ? { intervalMs } : {}) });
  }

  /**
   * Wait until something in the guest listens on a TCP port, checked inside
   * the guest (/proc/net/tcp{,6}): QEMU's port forward accepts connections
   * even when nothing listens, so a host-side probe proves nothing.
   */
  async waitForOpenPort(guestPort: number, options: number | WaitOptions = {}): Promise<void> {
    await this.waitForStatus(listeningCommand(guestPort), "success", asOptions(options), `a listener on port ${guestPort}`);
  }

  /** Wait until nothing in the guest listens on a TCP port any more. */
  async waitForClosedPort(guestPort: number, options: WaitOptions = {}): Promise<void> {
    await this.waitForStatus(listeningCommand(guestPort), "failure", options, `a listener on port ${guestPort}`);
  }

  /** Wait until a file (or directory) exists in the guest. */
  async waitForFile(path: string, options: WaitOptions = {}): Promise<void> {
    await this.waitForStatus(`test -e ${shellQuote(path)}`, "success", options, `the file ${path}`);
  }

  /** Wait until runit reports a service as running (`sv status` says "run:"). */
  async waitForService(name: string, options: number | WaitOptions = {}): Promise<void> {
    await this.waitForStatus(`case "$(sv status ${shellQuote(name)} 2>/dev/null)" in run:*) exit 0;; esac; exit 1`, "success", asOptions(options), `the service ${name}`);
  }

  /** Copy a host file into the guest (its mode kept; parent directories made). */
  async copyFromHost(hostPath: string, guestPath: string, options: CommandOptions = {}): Promise<void> {
    const [content, info] = await Promise.all([readFile(hostPath), stat(hostPath)]);
    const mode = (info.mode & 0o7777).toString(8);
    const target = shellQuote(guestPath);
    const tmp = shellQuote(`${guestPath}.notos-copy`);
    const prepare = `mkdir -p "$(dirname ${target})"`;
    if (this.commandsVia === "ssh") {
      await this.waitForShell(options);
      const r = await this.sshCommand(`${prepare} && cat > ${tmp} && chmod ${mode} ${tmp} && mv ${tmp} ${target}`, options.timeoutMs ?? 60_000, content);
      if (r.status !== 0) throw this.error(`copying ${hostPath} to ${guestPath} failed (exit status ${r.status})`, COMMAND);
      return;
    }
    // The test shell has no stdin for commands: base64 in pieces the shell reads as one line each.
    const b64 = content.toString("base64");
    await this.succeed(`${prepare} && : > ${tmp}`, options);
    for (let i = 0; i < b64.length; i += COPY_CHUNK) await this.succeed(`printf %s '${b64.slice(i, i + COPY_CHUNK)}' | base64 -d >> ${tmp}`, options);
    await this.succeed(`chmod ${mode} ${tmp} && mv ${tmp} ${target}`, options);
    this.log(`copied ${hostPath} to ${guestPath}`);
  }

  /** Copy a guest file to the host (parent directories made). */
  async copyFromMachine(guestPath: string, hostPath: string, options: CommandOptions = {}): Promise<void> {
    let content: Buffer;
    if (this.commandsVia === "ssh") {
      await this.waitForShell(options);
      const r = await this.sshCommand(`cat ${shellQuote(guestPath)}`, options.timeoutMs ?? 60_000);
      if (r.status !== 0) throw this.error(`cannot read ${guestPath} in the guest (exit status ${r.status})`, COMMAND);
      content = r.stdout;
    } else {
      content = Buffer.from(await this.succeed(`base64 < ${shellQuote(guestPath)}`, options), "base64");
    }
    await mkdir(dirname(resolve(hostPath)), { recursive: true });
    await writeFile(hostPath, content);
    this.log(`copied ${guestPath} to ${hostPath}`);
  }

  /** The host port forwarded to a guest port (from config.qemu.forwards, remapped unless keepHostPorts, or added by forwardPort). */
  forwardedPort(guestPort: number, proto: "tcp" | "udp" = "tcp"): number {
    if (!this.child) throw notStarted(this.name, "forwardedPort()");
    const f = this.forwards.find((x) => x.guest === guestPort && x.proto === proto);
    if (!f) throw new QemuError(`${this.name}: guest ${proto} port ${guestPort} is not forwarded`, { code: "QEMU_NOT_FORWARDED", hint: "add it to qemu.forwards in the configuration, or call machine.forwardPort({ guest })" });
    return f.host;
  }

  /** The host address a forward listens on. */
  forwardedHost(guestPort: number): string {
    const f = this.forwards.find((x) => x.guest === guestPort);
    return !f || f.bind === "" || f.bind === "0.0.0.0" ? "127.0.0.1" : f.bind;
  }

  /** Forward a host port (default: a free one) to a guest port while the VM runs; resolves with the host port. */
  async forwardPort(options: { guest: number; host?: number; proto?: "tcp" | "udp"; bind?: string }): Promise<number> {
    this.requireRunning("forwardPort");
    const proto = options.proto ?? "tcp";
    const bind = options.bind ?? "127.0.0.1";
    const host = options.host ?? (await freePort(bind));
    const said = await this.qmp!.execute<string>("human-monitor-command", { "command-line": `hostfwd_add net0 ${proto}:${bind}:${host}-:${options.guest}` });
    if (said.trim()) throw this.error(`QEMU refused to forward ${bind}:${host} to guest port ${options.guest}: ${said.trim()}`, { code: "QEMU_FORWARD", hint: "the host port may be taken; leave `host` out for a free one" });
    this.forwards = [...this.forwards, { proto, host, guest: options.guest, bind }];
    this.log(`forwarding ${bind}:${host} → guest ${proto} port ${options.guest}`);
    return host;
  }

  /** Run a command over ssh through the forwarded port (the host's `ssh`, key only, no host key checks). */
  async ssh(command: string, options: SshOptions): Promise<SshResult> {
    this.requireRunning("ssh");
    const port = options.port ?? this.forwardedPort(22);
    const r = await sshRun({ host: this.forwardedHost(22), port, key: options.key, user: options.user ?? "root" }, command, { timeoutMs: options.timeoutMs ?? 60_000 });
    if (r.timedOut) throw this.error(`ssh \`${command}\` timed out`, TIMEOUT);
    return { status: r.status, stdout: r.stdout.toString("utf8"), stderr: r.stderr };
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

  /** The text on the screen, read by OCR (tesseract) from a screenshot. */
  async getScreenText(options: CommandOptions = {}): Promise<string> {
    const file = join(this.dir!, `ocr-${Date.now()}.png`);
    await this.screenshot(file);
    try {
      return await ocrPng(file, options);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Wait until OCR finds `pattern` on the screen; resolves with the screen's text. */
  waitForText(pattern: RegExp | string, options: WaitOptions = {}): Promise<string> {
    const matches = (text: string) => (typeof pattern === "string" ? text.includes(pattern) : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")).test(text));
    return retry({
      ...options,
      intervalMs: options.intervalMs ?? 2_000,
      probe: async (left): Promise<Attempt<string>> => {
        const text = await this.getScreenText({ timeoutMs: left });
        return matches(text) ? { done: true, value: text } : { done: false, saw: text.trim().split("\n").slice(-5).join(" | ") };
      },
      timeout: (saw, ms) => this.error(`the screen did not show ${pattern} within ${ms} ms (OCR read: ${saw ?? "nothing"})`, TIMEOUT),
    });
  }

  /** Take the VM off its private networks: the link of every NIC on them goes down (`block`), or back up (`unblock`). */
  async block(): Promise<void> {
    await this.setLinks(false);
  }

  async unblock(): Promise<void> {
    await this.setLinks(true);
  }

  private async setLinks(up: boolean): Promise<void> {
    this.requireRunning(up ? "unblock" : "block");
    if (this.nics.length === 0) throw new QemuError(`${this.name}: no private network to ${up ? "unblock" : "block"}`, { code: "QEMU_NO_NETWORK", hint: "give the machine `networks: [{ network }]`" });
    for (const name of this.nics) await this.qmp!.execute("set_link", { name, up });
    this.log(`links ${up ? "up" : "down"}: ${this.nics.join(", ")}`);
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

  /**
   * Power the guest off and wait for QEMU to exit by itself; resolves with
   * its exit status. By ACPI (the power button) or a command; see
   * ShutdownOptions. (A number is the timeout, and a string the command, as before.)
   */
  async shutdown(options: number | ShutdownOptions = {}, command?: string): Promise<number> {
    const o = asOptions<ShutdownOptions>(options);
    const timeoutMs = o.timeoutMs ?? 60_000;
    const via = o.via ?? (command !== undefined || this.commandsVia === "shell" ? "command" : "acpi");
    this.requireRunning("shutdown");
    this.log(`shutting down (${via === "acpi" ? "power button" : "command"})`);
    const started = Date.now();
    if (via === "acpi") {
      await this.qmp!.execute("system_powerdown");
    } else {
      const cmd = command ?? o.command ?? "poweroff";
      await this.waitForShell({ timeoutMs });
      if (this.commandsVia === "ssh") void sshRun(this.sshTarget(), cmd, { timeoutMs }).catch(() => undefined);
      else await this.shell!.send(cmd);
    }
    const s = await this.waitForExit(Math.max(1, timeoutMs - (Date.now() - started)));
    if (s.code === null) throw this.error(`QEMU ended by ${s.signal} instead of exiting`, EXITED);
    return s.code;
  }

  /**
   * Reboot the guest as a user would, with Ctrl-Alt-Del on its keyboard
   * (runit reboots cleanly); QEMU stays, and this resolves once the new
   * kernel prints its first line. Commands then wait for the test shell or
   * ssh again.
   */
  async reboot(options: WaitOptions = {}): Promise<void> {
    this.requireRunning("reboot");
    this.log("rebooting");
    // QEMU runs with -no-reboot (a panic must not loop): let this one reset the VM instead of ending QEMU.
    await this.qmp!.execute("set-action", { reboot: "reset" });
    const offset = this.console.text().length;
    try {
      await this.sendKeys("ctrl-alt-delete");
      await this.consoleMatch(/Linux version/, offset, { timeoutMs: options.timeoutMs ?? 120_000 });
    } finally {
      if (this.isRunning) await this.qmp!.execute("set-action", { reboot: "shutdown" }).catch(() => undefined);
    }
    this.shell?.forget();
    this.sshReady = false;
  }

  /** Stop the VM abruptly, like a power cut (QMP quit; SIGKILL if QEMU does not go within 5 s). */
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

  /** Kill QEMU and wait until it is gone (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.child) return;
    this.kill();
    await this.waitForExit(10_000).catch(() => undefined);
  }

  /**
   * What a failed test needs to see: the console log and, while QEMU runs, a
   * screenshot, written into `dir` as <name>.console.log and <name>.png.
   * Resolves with the files written; never throws.
   */
  async saveDiagnostics(dir: string): Promise<string[]> {
    const written: string[] = [];
    const base = join(dir, this.name.replace(/[^A-Za-z0-9._-]/g, "_"));
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(`${base}.console.log`, this.console.lines.map(ConsoleLog.format).join(""));
      written.push(`${base}.console.log`);
      if (this.isRunning) {
        await this.screenshot(`${base}.png`);
        written.push(`${base}.png`);
      }
    } catch {
      // Diagnostics never hide the failure they are for.
    }
    return written;
  }
}

/**
 * base64 characters per copyFromHost command over the test shell (a multiple
 * of 4: each piece decodes alone). A request line past about a kilobyte is
 * lost on some guests' consoles (busybox's sh on hvc0), so pieces are small:
 * fine for keys and configuration files; big files go faster over ssh.
 */
const COPY_CHUNK = 640;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A guest command that succeeds when a TCP socket listens on `port` (needs only sh and /proc). */
export function listeningCommand(port: number): string {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return `for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] || continue; while read -r _ local _ st _; do case "$local $st" in *:${hex}\\ 0A) exit 0;; esac; done < "$f"; done; exit 1`;
}
