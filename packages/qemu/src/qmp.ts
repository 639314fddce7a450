// A minimal QMP client over a unix socket: greeting, qmp_capabilities, then
// one command at a time (QMP answers in order). Events are ignored except
// that they never get mistaken for a command's answer.
import { connect, type Socket } from "node:net";
import { QemuError } from "./errors.js";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  command: string;
}

const CLOSED = { code: "QEMU_EXITED", hint: "QEMU has exited: machine.waitForExit() gives its exit status" };

export class QmpError extends QemuError {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly description: string,
  ) {
    super(`QMP ${command} failed: ${errorClass}: ${description}`, {
      code: "QEMU_QMP",
      hint: "QEMU refused the command; QEMU's QMP reference lists each command's arguments",
    });
    this.name = "QmpError";
  }
}

export class QmpClient {
  private buffer = "";
  private readonly pending: Pending[] = [];
  private closed = false;
  private greeted!: () => void;
  private readonly greeting = new Promise<void>((r) => (this.greeted = r));

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => this.onData(d));
    socket.on("close", () => this.onClose(new QemuError("the QMP connection closed (QEMU exited?)", CLOSED)));
    socket.on("error", (e) => this.onClose(e));
  }

  /** Connect to a QMP unix socket and negotiate capabilities. */
  static async connect(path: string): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      s.once("connect", () => resolve(s));
      s.once("error", reject);
    });
    const client = new QmpClient(socket);
    await client.greeting;
    await client.execute("qmp_capabilities");
    return client;
  }

  /** Run a command; resolves with its `return` value. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new QemuError(`QMP ${command}: the connection is closed`, CLOSED));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (v: unknown) => void, reject, command });
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + "\n");
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(data: string): void {
    this.buffer += data;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if ("QMP" in msg) return this.greeted();
    if ("event" in msg) return;
    const p = this.pending.shift();
    if (!p) return;
    if ("error" in msg) {
      const e = msg.error as { class?: string; desc?: string };
      p.reject(new QmpError(p.command, e.class ?? "Error", e.desc ?? "unknown error"));
    } else p.resolve(msg.return);
  }

  private onClose(error: Error): void {
    if (this.closed && this.pending.length === 0) return;
    this.closed = true;
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}
