// dist/SHA256SUMS: what direct boot trusts, in the format `sha256sum -c`
// reads — one "<sha256>  <name>" line per file, sorted by name. The kernel,
// the initrd, the command line and root.squashfs are in it; the command
// line is where a dm-verity root hash goes, so once the root carries one, the
// signature over this file covers every block the system reads. The
// signature, SHA256SUMS.sig, is RSA PKCS#1 v1.5 over SHA-256 of the file
// (`openssl dgst -sha256 -verify` checks it) — deterministic, so the same
// dist/ and the same key give the same bytes.
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { promises as fs } from "node:fs";

export const MANIFEST_FILE = "SHA256SUMS";
export const SIGNATURE_FILE = "SHA256SUMS.sig";

export interface ManifestEntry {
  name: string;
  sha256: string;
}

/** The manifest's text. */
export function manifestText(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.name}\n`)
    .join("");
}

/** The entries of a manifest's text. */
export function parseManifest(text: string): ManifestEntry[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(l);
      if (!m) throw new Error(`not a SHA256SUMS line: ${JSON.stringify(l)}`);
      return { sha256: m[1]!, name: m[2]! };
    });
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  const handle = await fs.open(file);
  try {
    for await (const chunk of handle.createReadStream()) h.update(chunk as Buffer);
  } finally {
    await handle.close().catch(() => {});
  }
  return h.digest("hex");
}

/** Whether `signature` is the certificate's key's signature over `manifest`. */
export function manifestSignatureValid(manifest: Uint8Array, signature: Uint8Array, certificate: KeyObject | string | Buffer): boolean {
  const key = typeof certificate === "object" && "type" in certificate ? certificate : createPublicKey(certificate);
  return verify("sha256", manifest, key, signature);
}
