// Host programs started from a package: one small wrapper over
// node:child_process, so that no package needs a process library (and its
// dependencies) to run xz, sqfstar or ssh. It collects stdout and stderr as
// bytes, kills on a timeout, and turns a failure into a NotosError that
// names the program, its exit status and the end of what it wrote to
// stderr. Whether a program is installed at all is `@notos/core/host`'s
// question, asked before this runs it.
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { NotosError } from "./errors.js";

export interface ProgramOptions {
  /** Bytes or text written to the program's stdin, then closed. Without it stdin is /dev/null, unless `stdin: "pipe"`. */
  input?: Uint8Array | string;
  /** `"pipe"`: `startProgram` hands stdin over as a stream to write yourself. */
  stdin?: "ignore" | "pipe";
  /** `"stream"`: `startProgram` hands stdout over as a stream instead of collecting it. */
  stdout?: "collect" | "stream";
  cwd?: string;
  /** Added to this process's environment; a key set to `undefined` is removed. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `false`: the environment is `env` alone. Default true. */
  extendEnv?: boolean;
  /** SIGKILL the program after this long; the result then says `timedOut`. */
  timeoutMs?: number;
  /** `false`: resolve with the result however the program ended, instead of throwing. Default true. */
  reject?: boolean;
}

export interface ProgramResult {
  /** The program and its arguments, as one line for messages. */
  command: string;
  /** The exit status; undefined when the program did not start or was killed by a signal. */
  exitCode: number | undefined;
  signal: NodeJS.Signals | undefined;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  /** Why the program could not be started (e.g. ENOENT), when it could not. */
  startError?: NodeJS.ErrnoException;
}

export interface RunningProgram {
  /** The program's stdin when started with `stdin: "pipe"`. */
  stdin: Writable | null;
  /** The program's stdout when started with `stdout: "stream"`. */
  stdout: Readable | null;
  /** Settles once the program has exited and its output is read; rejects as `runProgram` does. */
  result: Promise<ProgramResult>;
  kill(signal?: NodeJS.Signals): void;
}

/** How much of stderr a failure's message quotes: its last lines. */
const STDERR_TAIL_LINES = 20;

function environment(options: ProgramOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = options.extendEnv === false ? {} : { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** The last lines of a program's stderr, for a message. */
export function stderrTail(stderr: Uint8Array | string, lines = STDERR_TAIL_LINES): string {
  const text = (typeof stderr === "string" ? stderr : Buffer.from(stderr).toString("utf8")).trimEnd();
  const all = text.split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

/** The NotosError for a program that did not start, timed out or exited non-zero. */
export function programError(result: ProgramResult): NotosError {
  const program = result.command.split(" ")[0]!;
  if (result.startError) {
    const missing = result.startError.code === "ENOENT";
    return new NotosError(`${program} could not be started: ${missing ? "not found" : result.startError.message}`, {
      code: missing ? "PROCESS_NOT_FOUND" : "PROCESS_START",
      hint: missing ? `install the program (check PATH: ${program} is looked up there)` : "check that the program file is executable",
      cause: result.startError,
    });
  }
  const how = result.timedOut ? "timed out and was killed" : result.signal ? `was killed by ${result.signal}` : `failed with exit status ${result.exitCode}`;
  const tail = stderrTail(result.stderr);
  return new NotosError(`${result.command} ${how}${tail ? `:\n${tail}` : " (nothing on stderr)"}`, {
    code: result.timedOut ? "PROCESS_TIMEOUT" : "PROCESS_FAILED",
    hint: "the program's own message is above",
  });
}

function commandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/**
 * Start `program` with `args`. Its stdin is `input`, a stream (`stdin:
 * "pipe"`) or /dev/null; stdout and stderr are collected unless stdout is
 * streamed. `result` settles when it has ended.
 */
export function startProgram(program: string, args: readonly string[] = [], options: ProgramOptions = {}): RunningProgram {
  const pipeIn = options.input !== undefined || options.stdin === "pipe";
  const streamOut = options.stdout === "stream";
  const command = commandLine(program, args);
  let child: ChildProcess;
  try {
    child = spawn(program, [...args], {
      stdio: [pipeIn ? "pipe" : "ignore", "pipe", "pipe"],
      env: environment(options),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
  } catch (error) {
    // spawn throws (rather than emitting "error") on arguments it refuses, e.g. a NUL byte.
    const result: ProgramResult = { command, exitCode: undefined, signal: undefined, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false, startError: error as NodeJS.ErrnoException };
    const settled = options.reject === false ? Promise.resolve(result) : Promise.reject(programError(result));
    return { stdin: null, stdout: null, result: settled, kill: () => undefined };
  }
  // A program may exit without reading all of its input: EPIPE is not the error that counts, its status is.
  child.stdin?.on("error", () => undefined);
  if (options.input !== undefined) child.stdin!.end(options.input);

  const out: Buffer[] = [];
  const err: Buffer[] = [];
  if (!streamOut) child.stdout!.on("data", (d: Buffer) => out.push(d));
  child.stderr!.on("data", (d: Buffer) => err.push(d));
  let timedOut = false;
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : undefined;

  const ended = new Promise<ProgramResult>((resolve) => {
    let startError: NodeJS.ErrnoException | undefined;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (timer) clearTimeout(timer);
      resolve({
        command,
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        timedOut,
        ...(startError ? { startError } : {}),
      });
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      // A program that never started has no "close" to wait for.
      if (child.pid === undefined) {
        startError = error;
        finish(null, null);
      }
    });
    child.once("close", finish);
  });
  const result = ended.then((r) => {
    if (options.reject === false || (r.exitCode === 0 && !r.timedOut && !r.startError)) return r;
    throw programError(r);
  });
  return {
    stdin: options.stdin === "pipe" && options.input === undefined ? child.stdin : null,
    stdout: streamOut ? child.stdout : null,
    result,
    kill: (signal = "SIGTERM") => {
      // A caller that kills a program it streams from will not read the rest: "close" waits for stdout's end, so end it here.
      if (streamOut) child.stdout?.destroy();
      child.kill(signal);
    },
  };
}

/** Run `program` with `args` to its end: its exit status, stdout and stderr; a NotosError when it fails (unless `reject: false`). */
export function runProgram(program: string, args: readonly string[] = [], options: Omit<ProgramOptions, "stdin" | "stdout"> = {}): Promise<ProgramResult> {
  return startProgram(program, args, options).result;
}
