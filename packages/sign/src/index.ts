// @notos/sign: a notos system signed with keys the user owns. `signModule`
// adds three builders: sign-dist (dist/SHA256SUMS and its signature, which
// runvm checks before it boots), sign-uki (dist/BOOTX64.EFI, the UKI signed
// for UEFI Secure Boot, which the disk images carry) and sign-ovmf-vars
// (dist/OVMF_VARS.fd, the variable store runvm --uefi boots with). `keygen` makes the key pair outside the
// repository (`notos keygen`, from @notos/keys); `secureBootVarStore` writes an OVMF variable
// store that enforces Secure Boot with the user's certificate enrolled.
// The Authenticode writer is ./authenticode.ts; the variable store format
// is @notos/sign/varstore.
import { defineModule, mkDefault } from "@notos/core";
import { ovmfVars, signDist, signUki } from "./builders.js";

export { signDist, signUki, ovmfVars, SIGNED_UKI_FILE, OVMF_VARS_FILE, type SignedDistArtifact, type SignedUkiArtifact, type OvmfVarsArtifact } from "./builders.js";
export { keygen, keyDirectory, findSigningKey, readCertificate, KEY_FILE, CERT_FILE, type SigningKey, type KeygenOptions } from "@notos/keys";
export { signPe, authenticodeDigest, type AuthenticodeSigner } from "./authenticode.js";
export { manifestText, parseManifest, manifestSignatureValid, MANIFEST_FILE, SIGNATURE_FILE, type ManifestEntry } from "./manifest.js";
export { secureBootVarStore, OVMF_VARS_TEMPLATE } from "./ovmf.js";
export { SignError } from "./errors.js";

/**
 * Signs the system's dist/ (SHA256SUMS) and its UKI, which the disk images
 * then carry, and writes the variable store runvm --uefi enforces Secure
 * Boot with; the UKI and the images come with @notos/disk's diskModule.
 * It also turns on `rootfs.verity` (a default: `rootfs.verity: false`
 * overrides it): the signed command line then carries the root hash, so
 * the signature covers every block of the root, checked as it is read.
 */
export const signModule = defineModule({ name: "@notos/sign", rootfs: { verity: mkDefault(true) }, builders: [signDist, signUki, ovmfVars] });
