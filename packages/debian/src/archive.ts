// The signed package index of several suites: InRelease (verified) → the
// Packages file it vouches for (size + SHA256 checked) → parsed records,
// cached under the InRelease hash so a warm run only fetches InRelease.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { runProgram } from "@notos/core/process";
import { silentReporter, type Reporter } from "@notos/core/progress";
import { writeFileAtomic } from "@notos/core/fs";
import { requireHostProgram } from "@notos/core/host";
import { sweepTemporaries } from "./cache.js";
import { DebianError } from "./errors.js";
import { fetchBytes, HttpStatusError } from "./http.js";
import { PackageIndex, parsePackages, type PackageRecord } from "./records.js";
import { fetchRelease, type IndexFileHash, type Release } from "./release.js";
import type { SuiteSource } from "./sources.js";

const INDEX_FORMAT = 1;

export interface IndexOptions {
  /** Cache directory (see `cacheDir()`). */
  cache: string;
  architecture: string;
  reporter?: Reporter;
}

/** Check downloaded bytes against the size and SHA256 that a verified file names. */
export function checkHash(bytes: Uint8Array, expected: IndexFileHash, what: string): void {
  if (bytes.byteLength !== expected.size) {
    throw new DebianError(`${what}: size ${bytes.byteLength} does not match the signed size ${expected.size}`, {
      hint: "the download was truncated or the mirror is inconsistent (mid-sync?); try again later or use another mirror",
    });
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (sha256 !== expected.sha256) {
    throw new DebianError(`${what}: SHA256 ${sha256} does not match the signed ${expected.sha256}`, {
      hint: "the file was altered or the mirror is inconsistent (mid-sync?); try again later or use another mirror",
    });
  }
}

/** Decompress an index file by its name's extension. */
export async function decompress(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (name.endsWith(".xz")) {
    requireHostProgram({ program: "xz", debianPackage: "xz-utils", neededBy: `unpacking the archive index ${name}` });
    const result = await runProgram("xz", ["--decompress", "--stdout"], { input: bytes });
    return result.stdout;
  }
  if (name.endsWith(".gz")) return gunzipSync(bytes);
  return bytes;
}

/** Pick the Packages file of a component: xz if the Release lists it, else gz. */
export function packagesFile(release: Release, component: string, architecture: string): { path: string; hash: IndexFileHash } {
  for (const ext of [".xz", ".gz"]) {
    const path = `${component}/binary-${architecture}/Packages${ext}`;
    const hash = release.files.get(path);
    if (hash) return { path, hash };
  }
  throw new DebianError(`the Release file of ${release.suite || "the suite"} lists no Packages.xz or Packages.gz for ${component}/binary-${architecture}`, {
    hint: "check debian.components and debian.architecture",
  });
}

async function downloadPackagesFile(source: SuiteSource, release: Release, path: string, hash: IndexFileHash): Promise<Uint8Array> {
  const base = `${source.uri}/dists/${source.suite}`;
  // By-hash names cannot change under us while the mirror syncs.
  if (release.acquireByHash) {
    const dir = path.slice(0, path.lastIndexOf("/"));
    try {
      return await fetchBytes(`${base}/${dir}/by-hash/SHA256/${hash.sha256}`);
    } catch (error) {
      if (!(error instanceof HttpStatusError && error.status === 404)) throw error;
    }
  }
  return fetchBytes(`${base}/${path}`);
}

async function readCachedIndex(path: string): Promise<PackageRecord[] | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(path, "utf8")) as { format: number; records: PackageRecord[] };
    return data.format === INDEX_FORMAT ? data.records : undefined;
  } catch {
    // Missing or unreadable: fetched again and replaced.
    return undefined;
  }
}

/** Load the records of one suite (every configured component), from the cache when InRelease is unchanged. */
export async function loadSuite(source: SuiteSource, options: IndexOptions): Promise<PackageRecord[]> {
  const reporter = options.reporter ?? silentReporter;
  const { release, hash } = await fetchRelease(source.uri, source.suite, source.keyring);
  const dir = join(options.cache, "indexes", source.suite);
  const records: PackageRecord[] = [];
  for (const component of source.components) {
    const cachePath = join(dir, `${component}-${options.architecture}-${hash.slice(0, 32)}.json`);
    const cached = await readCachedIndex(cachePath);
    if (cached) {
      records.push(...cached);
      continue;
    }
    const file = packagesFile(release, component, options.architecture);
    reporter.step(`fetching index ${source.suite}/${file.path}`, `${(file.hash.size / 1024 / 1024).toFixed(1)} MiB`);
    const bytes = await downloadPackagesFile(source, release, file.path, file.hash);
    checkHash(bytes, file.hash, `${source.uri}/dists/${source.suite}/${file.path}`);
    const parsed = parsePackages(new TextDecoder().decode(await decompress(bytes, file.path)), source.suite);
    await writeFileAtomic(cachePath, JSON.stringify({ format: INDEX_FORMAT, suite: source.suite, inRelease: hash, records: parsed }));
    await removeStale(dir, `${component}-${options.architecture}-`, cachePath);
    records.push(...parsed);
  }
  return records;
}

async function removeStale(dir: string, prefix: string, keep: string): Promise<void> {
  await sweepTemporaries(dir);
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith(prefix) && join(dir, name) !== keep) await fs.rm(join(dir, name), { force: true });
  }
}

/** The merged index of every suite (for the resolver). */
export async function loadIndex(sources: SuiteSource[], options: IndexOptions): Promise<PackageIndex> {
  const perSuite = await Promise.all(sources.map((source) => loadSuite(source, options)));
  return new PackageIndex(perSuite.flat(), options.architecture);
}
