// Free host ports for a machine's forwards, so parallel tests (and a runvm
// running beside them) never fight over the configured ones.
import { createServer } from "node:net";
import type { VmPortForward } from "./config.js";

export function freePort(bind: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host: bind === "" || bind === "0.0.0.0" ? "127.0.0.1" : bind, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The same forwards with fresh host ports. */
export async function remapForwards(forwards: readonly VmPortForward[]): Promise<VmPortForward[]> {
  const out: VmPortForward[] = [];
  for (const f of forwards) out.push(f.proto === "tcp" ? { ...f, host: await freePort(f.bind) } : f);
  return out;
}
