// The signing builders, on @notos/core's public API. Each one's store key
// holds the digest of the user's certificate (its `fingerprint`), never the
// private key, which is read from where the user keeps it, held in memory
// while signing, and written nowhere: a user with another key gets another
// key, so a signed artifact is never served from the store to them.
//   sign-dist       kernel, initrd, command-line, root.squashfs and the disk
//                   images → SHA256SUMS (+ .sig)
//   sign-uki        the UKI of @notos/disk → BOOTX64.EFI signed for Secure
//                   Boot; it provides @notos/disk's `ukiSlot`, so the ESP,
//                   disk.img, disk.qcow2 and disk.iso carry the signed UKI
//   sign-ovmf-vars  OVMF_VARS.fd: OVMF's variable store with the user's
//                   certificate enrolled (public data), which runvm --uefi
//                   boots with
// Without a key all still build: SHA256SUMS alone, the disk images with the
// unsigned UKI (sign-uki passes it through), no variable store; the build
// says once that the system is unsigned.
import { createPrivateKey, createPublicKey, sign as rsaSign, X509Certificate, type KeyObject } from "node:crypto";
import { createHash } from "node:crypto";
import { promises as fs, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineBuilder, type Artifact } from "@notos/core";
import { diskImage, iso, uki, ukiSlot, type UkiArtifact } from "@notos/disk";
import { commandLine, initrd } from "@notos/initrd";
import { kernel } from "@notos/kernel";
import { rootfs } from "@notos/rootfs";
import { signPe } from "./authenticode.js";
import { SignError } from "./errors.js";
import { findSigningKey, keyDirectory, type SigningKey } from "@notos/keys";
import { MANIFEST_FILE, SIGNATURE_FILE, manifestText, sha256File } from "./manifest.js";
import { OVMF_VARS_TEMPLATE, secureBootVarStore } from "./ovmf.js";

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

/** The name of the variable store in dist/. */
export const OVMF_VARS_FILE = "OVMF_VARS.fd";

export interface OvmfVarsArtifact extends Artifact {
  /** OVMF's variable store with the user's certificate as PK, KEK and db, when the build had a key. */
  vars?: string;
  certificate?: string;
}

/** The blank store's digest: the store is written into it, so its key holds it (the host's ovmf package). */
async function templateFingerprint(): Promise<Record<string, string>> {
  try {
    return { template: createHash("sha256").update(await fs.readFile(OVMF_VARS_TEMPLATE)).digest("hex") };
  } catch {
    return { template: "missing" };
  }
}

export const ovmfVars = defineBuilder({
  name: "sign-ovmf-vars",
  version: "1",
  description: "OVMF_VARS.fd: the UEFI variable store with the user's certificate enrolled as PK, KEK and db and Secure Boot on; runvm --uefi boots the disk images with it.",
  reads: [],
  fingerprint: async () => ({ ...signerFingerprint(), ...(findSigningKey() ? await templateFingerprint() : {}) }),
  async build({ out, reporter }): Promise<{ certificate?: string }> {
    const key = findSigningKey();
    if (!key) return {}; // sign-dist says it once
    let template: Buffer;
    try {
      template = await fs.readFile(OVMF_VARS_TEMPLATE);
    } catch (cause) {
      throw new SignError(`${OVMF_VARS_TEMPLATE} cannot be read: the Secure Boot variable store is written into OVMF's blank one.`, { code: "SIGN_OVMF", hint: "install Debian's ovmf package (apt-get install ovmf)", cause });
    }
    reporter.step("writing", `the UEFI variable store with ${key.subject} enrolled`);
    await fs.writeFile(join(out, OVMF_VARS_FILE), secureBootVarStore(key.der, template));
    return { certificate: key.fingerprint };
  },
  artifact: (entry): OvmfVarsArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    ...(entry.meta.certificate ? { vars: join(entry.path, OVMF_VARS_FILE), certificate: entry.meta.certificate } : {}),
  }),
  dist: (a): Record<string, string> => (a.vars ? { [OVMF_VARS_FILE]: a.vars } : {}),
});

export interface SignedDistArtifact extends Artifact {
  manifest: string;
  /** The detached signature, when the build had a key. */
  signature?: string;
  /** sha256 of the signing certificate (DER), when signed. */
  certificate?: string;
}

export const signDist = defineBuilder({
  name: "sign-dist",
  version: "2",
  description: "SHA256SUMS over what runvm boots (kernel, initrd, command-line, root.squashfs, the disk images, the UEFI variable store) and its signature with the user's key, which runvm checks before QEMU starts.",
  reads: [],
  inputs: { kernel, initrd, commandLine, rootfs, diskImage, iso, vars: ovmfVars },
  fingerprint: async () => signerFingerprint(),
  async build({ inputs, out, reporter }): Promise<{ certificate?: string }> {
    const files = {
      ...kernel.dist(inputs.kernel, {}),
      ...initrd.dist(inputs.initrd, {}),
      ...commandLine.dist(inputs.commandLine, {}),
      ...rootfs.dist(inputs.rootfs, {}),
      // Whichever images disk.formats asks for, and the variable store of a signed build: runvm --disk, --iso and --uefi boot them.
      ...diskImage.dist(inputs.diskImage, {}),
      ...iso.dist(inputs.iso, {}),
      ...ovmfVars.dist(inputs.vars, {}),
    };
    const entries = await Promise.all(Object.entries(files).map(async ([name, file]) => ({ name, sha256: await sha256File(file) })));
    const text = manifestText(entries);
    await fs.writeFile(join(out, MANIFEST_FILE), text);
    const key = findSigningKey();
    if (!key) {
      reporter.warn(`unsigned: no signing key in ${keyDirectory()} (make one with \`npx notos keygen\`, or set NOTOS_SIGNING_KEYS); dist/ gets SHA256SUMS without a signature, the disk images the unsigned UKI, and neither runvm nor Secure Boot can check this build`);
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

/** The UKI the disk images carry: signed when the build had a key, else disk-uki's, passed through. */
export interface SignedUkiArtifact extends UkiArtifact {
  /** sha256 of the signing certificate, when signed. */
  certificate?: string;
}

export const signUki = defineBuilder({
  name: "sign-uki",
  version: "3",
  description: "The Unified Kernel Image signed for UEFI Secure Boot (Authenticode, SHA-256, RSA) with the user's key; the disk images carry it (it provides @notos/disk's UKI slot).",
  reads: [],
  inputs: { uki },
  provides: [ukiSlot],
  fingerprint: async () => signerFingerprint(),
  async build({ inputs, out, reporter }): Promise<{ certificate?: string }> {
    const key = findSigningKey();
    if (!key) {
      // sign-dist says it once. The unsigned UKI is copied, not pointed at: the entry's
      // digest, which the ESP's key takes, must change with the UKI it stands for.
      await fs.copyFile(inputs.uki.efi, join(out, SIGNED_UKI_FILE));
      return {};
    }
    reporter.step("signing", `the UKI with ${key.subject}`);
    const signed = signPe(await fs.readFile(inputs.uki.efi), { key: privateKeyOf(key), certificate: key.der });
    await fs.writeFile(join(out, SIGNED_UKI_FILE), signed);
    return { certificate: key.fingerprint };
  },
  // The command line and the root GUID are the unsigned UKI's: signing adds a certificate table and nothing else.
  artifact: (entry, { inputs }): SignedUkiArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    efi: join(entry.path, SIGNED_UKI_FILE),
    commandLine: inputs.uki.commandLine,
    rootGuid: inputs.uki.rootGuid,
    ...(entry.meta.certificate ? { certificate: entry.meta.certificate } : {}),
  }),
  dist: (a: SignedUkiArtifact): Record<string, string> => (a.certificate ? { [SIGNED_UKI_FILE]: a.efi } : {}),
});
