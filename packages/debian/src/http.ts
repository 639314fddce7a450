// HTTP at the edge: Node's fetch with errors that name the URL.
import { DebianError } from "./errors.js";

export class HttpStatusError extends DebianError {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`GET ${url}: HTTP ${status}`, { hint: status === 404 ? "the file is not on the mirror" : "check the mirror and the network" });
  }
}

export async function httpGet(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DebianError(`GET ${url}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ""}`, {
      hint: "check the network and the mirror (debian.mirror / NOTOS_DEBIAN_MIRROR)",
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpStatusError(url, response.status);
  }
  return response;
}

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await httpGet(url);
  return new Uint8Array(await response.arrayBuffer());
}
