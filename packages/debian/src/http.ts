// HTTP at the edge: Node's fetch with errors that name the URL.
import { DebianError } from "./errors.js";

export class HttpStatusError extends DebianError {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`GET ${url}: HTTP ${status}`, { code: "DEBIAN_HTTP", hint: status === 404 ? "the file is not on the mirror" : "check the mirror and the network" });
  }
}

/** Index files are small: a whole transfer that takes longer than this has stalled. */
const FETCH_TIMEOUT_MS = 300_000;

export async function httpGet(url: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
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
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  const response = await httpGet(url, signal);
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new DebianError(`GET ${url}: ${(error as Error).message}`, { hint: "check the network and the mirror", cause: error });
  }
}
