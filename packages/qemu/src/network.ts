// A private virtual network for VMs, with no root and no host bridge: a
// small Ethernet switch in this process, listening on a unix socket in a
// private directory. Each VM's NIC on the network is a QEMU `stream` netdev
// connected to that socket (QEMU ≥ 7.2; frames are a 4-byte big-endian
// length and the Ethernet frame, as for QEMU's `socket` netdev). The switch
// learns which port holds which MAC address and floods the rest, so the
// guests see a plain LAN; nothing of it reaches the host's own networks.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QemuError } from "./errors.js";

export interface VirtualNetworkOptions {
  /** Shown in errors; default "vlan". */
  name?: string;
}

interface Port {
  socket: Socket;
  buffer: Buffer;
}

export class VirtualNetwork implements AsyncDisposable {
  private readonly ports = new Set<Port>();
  private readonly macs = new Map<string, Port>();
  /** Ethernet frames the switch has passed on (for tests and debugging). */
  frames = 0;

  private constructor(
    readonly name: string,
    /** The unix socket QEMU's netdevs connect to. */
    readonly path: string,
    private readonly dir: string,
    private readonly server: Server,
  ) {
    server.on("connection", (socket) => this.attach(socket));
  }

  /** Start a network (its switch listens before any VM connects). */
  static async create(options: VirtualNetworkOptions = {}): Promise<VirtualNetwork> {
    const name = options.name ?? "vlan";
    const dir = await mkdtemp(join(tmpdir(), "notos-net-"));
    const path = join(dir, "switch.sock");
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e) =>
        reject(new QemuError(`network ${name}: cannot listen on ${path}: ${e.message}`, { code: "QEMU_NETWORK", hint: "the temporary directory must allow unix sockets" })),
      );
      server.listen(path, resolve);
    });
    server.unref();
    return new VirtualNetwork(name, path, dir, server);
  }

  /** QEMU arguments for one NIC on this network: a stream netdev and a virtio NIC with the given ids and MAC. */
  nicArgs(options: { netdev: string; device: string; mac: string }): string[] {
    return [
      "-netdev", `stream,id=${options.netdev},server=off,addr.type=unix,addr.path=${this.path.replace(/,/g, ",,")}`,
      "-device", `virtio-net-pci,netdev=${options.netdev},id=${options.device},mac=${options.mac}`,
    ];
  }

  /** VMs connected right now. */
  get connected(): number {
    return this.ports.size;
  }

  private attach(socket: Socket): void {
    const port: Port = { socket, buffer: Buffer.alloc(0) };
    this.ports.add(port);
    socket.on("data", (d: Buffer) => {
      port.buffer = port.buffer.length ? Buffer.concat([port.buffer, d]) : d;
      for (;;) {
        if (port.buffer.length < 4) break;
        const size = port.buffer.readUInt32BE(0);
        if (port.buffer.length < 4 + size) break;
        const record = port.buffer.subarray(0, 4 + size);
        port.buffer = port.buffer.subarray(4 + size);
        this.forward(port, record);
      }
    });
    const detach = () => {
      this.ports.delete(port);
      for (const [mac, p] of this.macs) if (p === port) this.macs.delete(mac);
    };
    socket.on("close", detach);
    socket.on("error", detach);
  }

  /** Pass one length-prefixed frame on: to the port that owns the destination MAC, or to every other port. */
  private forward(from: Port, record: Buffer): void {
    if (record.length < 4 + 14) return;
    this.frames++;
    const dst = record.subarray(4, 10).toString("hex");
    const src = record.subarray(10, 16).toString("hex");
    // Learn the sender's address unless it is a group address.
    if ((record[10]! & 1) === 0) this.macs.set(src, from);
    const to = (record[4]! & 1) === 0 ? this.macs.get(dst) : undefined;
    if (to && to !== from) to.socket.write(record);
    else if (!to) for (const p of this.ports) if (p !== from) p.socket.write(record);
  }

  /** Stop the switch (connected VMs see their link as dead) and remove its socket. */
  async close(): Promise<void> {
    for (const p of this.ports) p.socket.destroy();
    this.ports.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A locally administered MAC address for NIC `nic` of machine `machine` (both 0–255), NixOS's pattern. */
export function testMac(machine: number, nic: number): string {
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, "0");
  return `52:54:00:12:${hex(nic)}:${hex(machine)}`;
}
