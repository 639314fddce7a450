// The driver's side of the test shell: a unix socket to QEMU's hvc0 chardev,
// requests serialised one at a time, answers found by their frame.
import { connect, type Socket } from "node:net";
import { frameCommand, parseFrame } from "./framing.js";
import { QemuError } from "./errors.js";

export interface ExecResult {
  status: number;
  stdout: string;
}

// Machine reports it as a MachineError, with the console tail.
export class ShellTimeout extends QemuError {
  constructor(message: string) {
    super(message, { code: "QEMU_TIMEOUT", hint: "a longer timeout, or the testInstrumentation module in the system, if the shell never answered" });
  }
}

export class ShellSession {
  private buffer = Buffer.alloc(0);
  private waiters = new Set<() => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private ready = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      for (const w of this.waiters) w();
    });
    const onEnd = () => {
      this.closed = true;
      for (const w of this.waiters) w();
    };
    socket.on("close", onEnd);
    socket.on("error", onEnd);
  }

  static async connect(path: string): Promise<ShellSession> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      s.once("connect", () => resolve(s));
      s.once("error", reject);
    });
    return new ShellSession(socket);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** Forget that the shell answered (the guest rebooted): the next request probes for a new shell first. */
  forget(): void {
    this.ready = false;
    this.buffer = Buffer.alloc(0);
  }

  /**
   * Wait until the guest's shell answers. Probes are re-sent every `retryMs`,
   * each with a fresh marker, because what is written before the shell runs
   * may be lost or swallowed by the terminal's line discipline.
   */
  waitReady(timeoutMs: number, retryMs = 1000): Promise<void> {
    if (this.ready) return Promise.resolve();
    return this.enqueue(async () => {
      const deadline = Date.now() + timeoutMs;
      while (!this.ready) {
        const left = deadline - Date.now();
        if (left <= 0) throw new ShellTimeout(`the test shell on hvc0 did not answer within ${timeoutMs} ms`);
        try {
          await this.roundTrip("true", Math.min(retryMs, left));
          this.ready = true;
        } catch (e) {
          if (!(e instanceof ShellTimeout)) throw e;
        }
      }
    });
  }

  /** Run a command in the guest; rejects with ShellTimeout when it takes longer than `timeoutMs`. */
  execute(command: string, timeoutMs: number): Promise<ExecResult> {
    return this.enqueue(async () => {
      const { status, stdout } = await this.roundTrip(command, timeoutMs);
      return { status, stdout: stdout.toString("utf8") };
    });
  }

  /** Write a command without waiting for any answer (for `poweroff`). */
  send(command: string): Promise<void> {
    return this.enqueue(async () => {
      this.socket.write(frameCommand(command).request);
    });
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private roundTrip(command: string, timeoutMs: number): Promise<{ status: number; stdout: Buffer }> {
    const { marker, request } = frameCommand(command);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const frame = parseFrame(this.buffer, marker);
        if (frame) {
          done();
          // Keep only what follows this frame; anything before it was noise.
          this.buffer = this.buffer.subarray(frame.end);
          resolve({ status: frame.status, stdout: Buffer.from(frame.stdout) });
        } else if (this.closed) {
          done();
          reject(new QemuError("the test shell connection closed (QEMU exited?)", { code: "QEMU_EXITED", hint: "QEMU has exited: machine.waitForExit() gives its exit status" }));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new ShellTimeout(`command did not finish within ${timeoutMs} ms: ${command}`));
      }, timeoutMs);
      this.waiters.add(check);
      this.socket.write(request);
      check();
    });
  }
}
