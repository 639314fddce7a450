// InRelease: fetched, verified with gpgv against the suite's keyring, and
// parsed for the hashes of the index files it vouches for.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "@notos/core/process";
import { requireHostProgram } from "@notos/core/host";
import { field, parseDeb822 } from "./deb822.js";
import { DebianError } from "./errors.js";
import { fetchBytes } from "./http.js";

export interface IndexFileHash {
  size: number;
  sha256: string;
}

export interface Release {
  suite: string;
  codename?: string;
  acquireByHash: boolean;
  /** SHA256 section: path relative to dists/SUITE → size and hash. */
  files: Map<string, IndexFileHash>;
}

/**
 * Verify a clearsigned InRelease with gpgv and return the signed payload.
 * Only gpgv's exit status decides: `--output` writes the payload even when
 * the signature is bad.
 */
export async function verifyInRelease(inRelease: Uint8Array, keyring: string, what = "InRelease"): Promise<string> {
  try {
    await fs.access(keyring);
  } catch {
    throw new DebianError(`keyring ${keyring} for ${what} does not exist`, {
      hint: "install the keyring (apt-get install debian-archive-keyring) or set debian.keyring in the configuration",
    });
  }
  const dir = await fs.mkdtemp(join(tmpdir(), "notos-gpgv-"));
  try {
    const signed = join(dir, "InRelease");
    const payload = join(dir, "payload");
    await fs.writeFile(signed, inRelease);
    requireHostProgram({ program: "gpgv", debianPackage: "gpgv", neededBy: `verifying ${what}` });
    const result = await runProgram("gpgv", ["--quiet", "--keyring", keyring, "--output", payload, signed], { reject: false });
    if (result.startError?.code === "ENOENT") throw new DebianError("gpgv is not installed", { hint: "apt-get install gpgv" });
    if (result.exitCode !== 0) {
      const all = `${result.stdout.toString("utf8")}${result.stderr.toString("utf8")}`;
      throw new DebianError(`signature verification of ${what} failed (gpgv exit status ${result.exitCode ?? "none"}):\n${all.trim()}`, {
        hint: "the file was changed or the mirror is not a Debian archive signed by the keyring; check the mirror (debian.mirror / NOTOS_DEBIAN_MIRROR) and the keyring",
      });
    }
    return await fs.readFile(payload, "utf8");
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Parse a (verified) Release payload. */
export function parseRelease(text: string): Release {
  const [paragraph] = parseDeb822(text);
  if (!paragraph) throw new DebianError("empty Release file");
  const files = new Map<string, IndexFileHash>();
  for (const line of (field(paragraph, "SHA256") ?? "").split("\n")) {
    if (line.trim() === "") continue;
    const m = /^\s*([0-9a-f]{64})\s+(\d{1,15})\s+(\S+)\s*$/.exec(line);
    if (!m) {
      throw new DebianError(`Release file: ${JSON.stringify(line.slice(0, 120))} in the SHA256 section is not "HASH SIZE PATH"`, {
        code: "DEBIAN_RELEASE",
        hint: "the mirror does not serve a usable Debian archive",
      });
    }
    files.set(m[3]!, { size: Number(m[2]), sha256: m[1]! });
  }
  if (files.size === 0) throw new DebianError("Release file has no SHA256 section", { hint: "the mirror does not serve a usable Debian archive" });
  const release: Release = {
    suite: field(paragraph, "Suite") ?? "",
    acquireByHash: (field(paragraph, "Acquire-By-Hash") ?? "").toLowerCase() === "yes",
    files,
  };
  const codename = field(paragraph, "Codename");
  if (codename) release.codename = codename;
  return release;
}

export interface FetchedRelease {
  release: Release;
  /** SHA256 of the InRelease bytes: the key of everything derived from it. */
  hash: string;
}

export async function fetchRelease(uri: string, suite: string, keyring: string): Promise<FetchedRelease> {
  const url = `${uri}/dists/${suite}/InRelease`;
  const bytes = await fetchBytes(url);
  const payload = await verifyInRelease(bytes, keyring, url);
  return { release: parseRelease(payload), hash: createHash("sha256").update(bytes).digest("hex") };
}

