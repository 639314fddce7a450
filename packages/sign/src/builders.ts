// The signing builders, on @notos/core's public API. Each one's store key
// holds the digest of the user's certificate (its `fingerprint`), never the
// private key, which is read from where the user keeps it, held in memory
// while signing, and written nowhere: a user with another key gets another
// key, so a signed artifact is never served from the store to them.
//   sign-dist  kernel, initrd, command-line, root.squashfs → SHA256SUMS (+ .sig)
//   sign-uki   the UKI of @notos/disk → BOOTX64.EFI signed for Secure Boot
// Without a key both still build: SHA256SUMS alone, and no signed UKI; the
// build says once that the system is unsigned.
import { createPrivateKey, createPublicKey, sign as rsaSign, X509Certificate, type KeyObject } from "node:crypto";
import { promises as fs, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineBuilder, type Artifact } from "@notos/core";
import { uki } from "@notos/disk";
import { commandLine, initrd } from "@notos/initrd";
import { kernel } from "@notos/kernel";
import { rootfs } from "@notos/rootfs";
import { signPe } from "./authenticode.js";
import { SignError } from "./errors.js";
import { findSigningKey, keyDirectory, type SigningKey } from "@notos/keys";
import { MANIFEST_FILE, SIGNATURE_FILE, manifestText, sha256File } from "./manifest.js";

/**
 * The store key's part that names the signer: the certificate's digest, or
 * "unsigned" and where no key was found (so a key put there later, or
 * another directory, builds again and says so).
 */
function signerFingerprint(): Record<string, string> {
  const key = findSigningKey();
  return key ? { certificate: key.fingerprint } : { certificate: "unsigned", keys: keyDirectory() };
}

/** The private key of `key`, checked against its certificate. */
function privateKeyOf(key: SigningKey): KeyObject {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(key.key));
  } catch (cause) {
    throw new SignError(`${key.key} is not a private key openssl can read.`, { code: "SIGN_KEY", hint: "restore it, or make a new pair with `notos keygen` in another directory", cause });
  }
  const mine = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const theirs = new X509Certificate(readFileSync(key.certificate)).publicKey.export({ type: "spki", format: "der" });
  if (!mine.equals(theirs)) {
    throw new SignError(`${key.key} is not the key of ${key.certificate}.`, { code: "SIGN_KEY_MISMATCH", hint: "put the pair `notos keygen` made back together" });
  }
  return privateKey;
}

export interface SignedDistArtifact extends Artifact {
  manifest: string;
  /** The detached signature, when the build had a key. */
  signature?: string;
  /** sha256 of the signing certificate (DER), when signed. */
  certificate?: string;
}

export const signDist = defineBuilder({
  name: "sign-dist",
  version: "1",
  description: "SHA256SUMS over the direct-boot files (kernel, initrd, command-line, root.squashfs) and its signature with the user's key, which runvm checks before QEMU starts.",
  reads: [],
  inputs: { kernel, initrd, commandLine, rootfs },
  fingerprint: async () => signerFingerprint(),
  async build({ inputs, out, reporter }): Promise<{ certificate?: string }> {
    const files = { ...kernel.dist(inputs.kernel, {}), ...initrd.dist(inputs.initrd, {}), ...commandLine.dist(inputs.commandLine, {}), ...rootfs.dist(inputs.rootfs, {}) };
    const entries = await Promise.all(Object.entries(files).map(async ([name, file]) => ({ name, sha256: await sha256File(file) })));
    const text = manifestText(entries);
    await fs.writeFile(join(out, MANIFEST_FILE), text);
    const key = findSigningKey();
    if (!key) {
      reporter.warn(`unsigned: no signing key in ${keyDirectory()} (make one with \`npx notos keygen\`, or set NOTOS_SIGNING_KEYS); dist/ gets SHA256SUMS without a signature, and neither runvm nor Secure Boot can check this build`);
      return {};
    }
    reporter.step("signing", `SHA256SUMS with ${key.subject}`);
    await fs.writeFile(join(out, SIGNATURE_FILE), rsaSign("sha256", Buffer.from(text), privateKeyOf(key)));
    return { certificate: key.fingerprint };
  },
  artifact: (entry): SignedDistArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    manifest: join(entry.path, MANIFEST_FILE),
    ...(entry.meta.certificate ? { signature: join(entry.path, SIGNATURE_FILE), certificate: entry.meta.certificate } : {}),
  }),
  dist: (a): Record<string, string> => ({ [MANIFEST_FILE]: a.manifest, ...(a.signature ? { [SIGNATURE_FILE]: a.signature } : {}) }),
});

/** The name of the signed UKI in dist/. */
export const SIGNED_UKI_FILE = "BOOTX64.EFI";

export interface SignedUkiArtifact extends Artifact {
  /** The UKI with its Authenticode signature, when the build had a key. */
  efi?: string;
  certificate?: string;
}

export const signUki = defineBuilder({
  name: "sign-uki",
  version: "1",
  description: "The Unified Kernel Image signed for UEFI Secure Boot (Authenticode, SHA-256, RSA) with the user's key.",
  reads: [],
  inputs: { uki },
  fingerprint: async () => signerFingerprint(),
  async build({ inputs, out, reporter }): Promise<{ certificate?: string }> {
    const key = findSigningKey();
    if (!key) return {}; // sign-dist says it once
    reporter.step("signing", `the UKI with ${key.subject}`);
    const signed = signPe(await fs.readFile(inputs.uki.efi), { key: privateKeyOf(key), certificate: key.der });
    await fs.writeFile(join(out, SIGNED_UKI_FILE), signed);
    return { certificate: key.fingerprint };
  },
  artifact: (entry): SignedUkiArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    ...(entry.meta.certificate ? { efi: join(entry.path, SIGNED_UKI_FILE), certificate: entry.meta.certificate } : {}),
  }),
  dist: (a): Record<string, string> => (a.efi ? { [SIGNED_UKI_FILE]: a.efi } : {}),
});
