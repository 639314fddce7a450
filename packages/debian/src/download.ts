// The verified .deb cache: <cache>/debs/<pool file name>. A file is only
// ever renamed into place after its size and SHA256 matched, and a cached
// file is checked again before every use.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { silentReporter, type Reporter } from "@notos/core/progress";
import { sweepTemporaries, tempPathFor } from "./cache.js";
import { DebianError } from "./errors.js";
import { httpGet, HttpStatusError } from "./http.js";
import type { LockedPackage } from "./lockfile.js";

export interface DownloadOptions {
  cache: string;
  /** Archive root for each suite. */
  uris: Map<string, string>;
  concurrency?: number;
  reporter?: Reporter;
  /** Extra words for a 404 (e.g. how to refresh a lock). */
  missingHint?: string;
}

const IDLE_MS = 60_000;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

/** Whether `path` holds exactly the package's bytes. */
export async function isIntact(path: string, pkg: Pick<LockedPackage, "size" | "sha256">): Promise<boolean> {
  const stat = await fs.stat(path).catch(() => undefined);
  if (!stat?.isFile() || stat.size !== pkg.size) return false;
  return (await sha256File(path)) === pkg.sha256;
}

export function debPath(cache: string, pkg: LockedPackage): string {
  return join(cache, "debs", basename(pkg.filename));
}

async function downloadOne(pkg: LockedPackage, path: string, options: DownloadOptions, onBytes: (n: number) => void): Promise<void> {
  const uri = options.uris.get(pkg.suite);
  if (!uri) throw new DebianError(`${pkg.name} is locked from suite ${pkg.suite}, which debian.suites does not list`, { hint: options.missingHint });
  const url = `${uri}/${pkg.filename}`;
  // A stalled transfer (no byte for a minute) is aborted rather than left hanging.
  const controller = new AbortController();
  let idle = setTimeout(() => controller.abort(new Error("no data for 60 s")), IDLE_MS);
  const alive = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(new Error("no data for 60 s")), IDLE_MS);
  };
  let response: Response;
  try {
    response = await httpGet(url, controller.signal);
  } catch (error) {
    clearTimeout(idle);
    if (error instanceof HttpStatusError && error.status === 404) {
      throw new DebianError(`${pkg.name} ${pkg.version} (${pkg.suite}) is no longer on the mirror (${url}: 404)`, {
        hint: options.missingHint ?? "the archive moved on; resolve again",
        cause: error,
      });
    }
    throw error;
  }
  const tmp = tempPathFor(path);
  const hash = createHash("sha256");
  let size = 0;
  try {
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on("data", (chunk: Uint8Array) => {
      alive();
      hash.update(chunk);
      size += chunk.byteLength;
      onBytes(chunk.byteLength);
    });
    await pipeline(body, createWriteStream(tmp));
    const sha256 = hash.digest("hex");
    if (size !== pkg.size || sha256 !== pkg.sha256) {
      throw new DebianError(`${url}: got ${size} bytes with SHA256 ${sha256}, expected ${pkg.size} bytes with ${pkg.sha256}`, {
        hint: "the download was corrupted or the mirror serves a different file; try again, or use another mirror",
      });
    }
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    if (error instanceof DebianError) throw error;
    throw new DebianError(`GET ${url}: ${(error as Error).message}`, { hint: "check the network and the mirror", cause: error });
  } finally {
    clearTimeout(idle);
  }
}

// One more try for a transient failure (a reset connection, a corrupted
// transfer); a file the mirror does not have is final.
async function withRetry(action: () => Promise<void>, reporter: Reporter, attempts = 2): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const final = error instanceof DebianError && error.cause instanceof HttpStatusError && error.cause.status === 404;
      if (final || attempt >= attempts) throw error;
      reporter.warn(`${(error as Error).message}; trying again`);
    }
  }
}

/**
 * Make every package's verified .deb present in the cache; returns the
 * local paths in the order of `packages`. A cached file that fails the
 * check is removed and downloaded again.
 */
export async function downloadDebs(packages: LockedPackage[], options: DownloadOptions): Promise<string[]> {
  const reporter = options.reporter ?? silentReporter;
  const dir = join(options.cache, "debs");
  await fs.mkdir(dir, { recursive: true });
  await sweepTemporaries(dir);
  const paths = packages.map((p) => debPath(options.cache, p));
  const missing: number[] = [];
  for (let i = 0; i < packages.length; i++) {
    const path = paths[i]!;
    if (await isIntact(path, packages[i]!)) continue;
    if (await fs.stat(path).catch(() => undefined)) {
      reporter.warn(`cached ${basename(path)} does not match its locked SHA256; downloading it again`);
      await fs.rm(path, { force: true });
    }
    missing.push(i);
  }
  if (missing.length === 0) return paths;
  const total = missing.reduce((sum, i) => sum + packages[i]!.size, 0);
  reporter.step(`downloading ${missing.length} package${missing.length === 1 ? "" : "s"}`);
  let done = 0;
  let reported = 0;
  const onBytes = (n: number): void => {
    done += n;
    if (done - reported >= 1 << 20 || done === total) {
      reported = done;
      reporter.bytes("downloading packages", done, total);
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      const i = missing[next++]!;
      await withRetry(() => downloadOne(packages[i]!, paths[i]!, options, onBytes), reporter);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, missing.length) }, worker));
  return paths;
}
