// OVMF with Secure Boot enforced and the user's certificate enrolled: the
// SMM build of the firmware (only it keeps the variable store out of the
// guest's reach) and a variable store written from Debian's blank one with
// PK, KEK and db = the user's certificate. The owner GUID of the signature
// lists is derived from the certificate, so the same certificate gives the
// same store, byte for byte. QEMU's arguments for the firmware and a store
// are @notos/qemu's (`secureBootArgs`, `OVMF_SECURE_BOOT_CODE`).
import { readFileSync } from "node:fs";
import { guidFrom } from "@notos/disk/gpt";
import { secureBootVariables, writeVarStore } from "./varstore.js";

/** Debian ovmf: the blank variable store that goes with it. */
export const OVMF_VARS_TEMPLATE = "/usr/share/OVMF/OVMF_VARS_4M.fd";

/** A variable store that enforces Secure Boot with `certificate` (DER) as PK, KEK and db. */
export function secureBootVarStore(certificate: Uint8Array, template: Uint8Array = readFileSync(OVMF_VARS_TEMPLATE)): Uint8Array {
  return writeVarStore(template, secureBootVariables(certificate, guidFrom("notos signature owner", certificate)));
}
