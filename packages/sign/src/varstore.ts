// The UEFI variable store of OVMF, as data: the reader and the writer of
// the file QEMU's second flash device holds (OVMF_VARS_4M.fd). Secure Boot
// is on when the store holds a platform key (PK): the firmware starts in
// user mode, turns SecureBootEnable on by itself when it is missing, and
// then runs only EFI programs signed by a certificate in db. Writing PK, KEK
// and db = the user's certificate straight into Debian's blank store gives a
// firmware that trusts that user and nobody else, without an enrolment boot.
// Formats: edk2's MdeModulePkg/Include/Guid/VariableFormat.h (the store and
// AUTHENTICATED_VARIABLE_HEADER), PI's EFI_FIRMWARE_VOLUME_HEADER, and UEFI's
// EFI_SIGNATURE_LIST. OVMF itself is the oracle in the tests.
import { guidFromBytes, guidToBytes } from "@notos/disk/gpt";
import { SignError } from "./errors.js";

export const GUIDS = {
  /** EFI_GLOBAL_VARIABLE: PK, KEK, SecureBoot, SetupMode. */
  global: "8be4df61-93ca-11d2-aa0d-00e098032b8c",
  /** EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx. */
  imageSecurity: "d719b2cb-3d3a-4596-a3bc-dad00e67656f",
  /** EFI_CERT_X509_GUID: a signature list of DER certificates. */
  certX509: "a5c059a1-94e4-4aa7-87b5-ab155c2bf072",
  /** gEfiAuthenticatedVariableGuid: the store format with authenticated headers. */
  authenticatedStore: "aaf32c78-947b-439a-a180-2e144ec37792",
  /** gEfiSecureBootEnableDisableGuid: SecureBootEnable. */
  secureBootEnable: "f0a30bc7-af08-4556-99c4-001009c93a44",
} as const;

/** Variable attributes. */
export const ATTR = { nonVolatile: 1, bootService: 2, runtime: 4, timeBasedAuth: 0x20 } as const;
/** PK, KEK, db: NV | BS | RT | time-based authenticated write access. */
export const AUTH_VAR_ATTRIBUTES = ATTR.nonVolatile | ATTR.bootService | ATTR.runtime | ATTR.timeBasedAuth;

const START_ID = 0x55aa;
/** VAR_ADDED: the live state of a variable (the other bits are cleared as it is replaced or deleted). */
export const VAR_ADDED = 0x3f;
const HEADER_SIZE = 60;
const STORE_HEADER_SIZE = 28;

export interface UefiVariable {
  name: string;
  guid: string;
  attributes: number;
  data: Uint8Array;
  /** VAR_ADDED unless read back from a store that replaced it. */
  state?: number;
}

export interface VarStore {
  /** Offset of the variable store header (after the firmware volume header). */
  storeOffset: number;
  /** Bytes of the variable store, header included. */
  storeSize: number;
  /** Every variable in the store, live or replaced, in order. */
  variables: UefiVariable[];
}

const align4 = (n: number) => (n + 3) & ~3;

function fail(message: string): never {
  throw new SignError(message, { code: "SIGN_VARSTORE", hint: "use the OVMF_VARS_4M.fd of Debian's ovmf package as the template" });
}

/** Read an OVMF variable store file. */
export function readVarStore(file: Uint8Array): VarStore {
  const b = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (b.length < 0x48 || b.toString("latin1", 0x28, 0x2c) !== "_FVH") fail("not a firmware volume: no _FVH signature at byte 0x28");
  const storeOffset = b.readUInt16LE(0x30);
  if (guidFromBytes(b.subarray(storeOffset, storeOffset + 16)) !== GUIDS.authenticatedStore) fail("the firmware volume holds no authenticated variable store");
  const storeSize = b.readUInt32LE(storeOffset + 16);
  if (b[storeOffset + 20] !== 0x5a || b[storeOffset + 21] !== 0xfe) fail("the variable store is not formatted and healthy (format 0x5a, state 0xfe)");
  const end = storeOffset + storeSize;
  const variables: UefiVariable[] = [];
  for (let at = storeOffset + STORE_HEADER_SIZE; at + HEADER_SIZE <= end && b.readUInt16LE(at) === START_ID; ) {
    const state = b[at + 2]!;
    const attributes = b.readUInt32LE(at + 4);
    const nameSize = b.readUInt32LE(at + 36);
    const dataSize = b.readUInt32LE(at + 40);
    const guid = guidFromBytes(b.subarray(at + 44, at + 60));
    const nameAt = at + HEADER_SIZE;
    const name = b.toString("utf16le", nameAt, nameAt + nameSize).replace(/\0+$/, "");
    const data = Uint8Array.from(b.subarray(nameAt + nameSize, nameAt + nameSize + dataSize));
    variables.push({ name, guid, attributes, data, state });
    at = align4(nameAt + nameSize + dataSize);
  }
  return { storeOffset, storeSize, variables };
}

/** The live variables of a store (state VAR_ADDED), by "guid:name". */
export function liveVariables(store: VarStore): Map<string, UefiVariable> {
  return new Map(store.variables.filter((v) => v.state === VAR_ADDED).map((v) => [`${v.guid}:${v.name}`, v]));
}

/** One variable's bytes: the authenticated header (zero time stamp and counter), its UTF-16 name and its data. */
function variableBytes(v: UefiVariable): Buffer {
  const name = Buffer.from(v.name + "\0", "utf16le");
  const out = Buffer.alloc(align4(HEADER_SIZE + name.length + v.data.length), 0xff);
  out.fill(0, 0, HEADER_SIZE);
  out.writeUInt16LE(START_ID, 0);
  out[2] = v.state ?? VAR_ADDED;
  out[3] = 0;
  out.writeUInt32LE(v.attributes, 4);
  // MonotonicCount (8), TimeStamp (16), PubKeyIndex (4): zero.
  out.writeUInt32LE(name.length, 36);
  out.writeUInt32LE(v.data.length, 40);
  out.set(guidToBytes(v.guid), 44);
  name.copy(out, HEADER_SIZE);
  out.set(v.data, HEADER_SIZE + name.length);
  return out;
}

/**
 * `template` (a blank or used OVMF variable store) with its variables
 * replaced by `variables`: the firmware volume header and the store header
 * stay, the rest of the store is erased flash (0xff) after them. The
 * fault-tolerant-write areas after the store are kept as they are.
 */
export function writeVarStore(template: Uint8Array, variables: readonly UefiVariable[]): Uint8Array {
  const { storeOffset, storeSize } = readVarStore(template);
  const out = Buffer.from(template);
  const start = storeOffset + STORE_HEADER_SIZE;
  out.fill(0xff, start, storeOffset + storeSize);
  let at = start;
  for (const v of variables) {
    const bytes = variableBytes(v);
    if (at + bytes.length > storeOffset + storeSize) fail(`the variables do not fit the ${storeSize}-byte store`);
    bytes.copy(out, at);
    at += bytes.length;
  }
  return out;
}

/** An EFI_SIGNATURE_LIST of one X.509 certificate (DER), owned by `owner`. */
export function x509SignatureList(der: Uint8Array, owner: string): Uint8Array {
  const signatureSize = 16 + der.length;
  const out = Buffer.alloc(28 + signatureSize);
  out.set(guidToBytes(GUIDS.certX509), 0);
  out.writeUInt32LE(out.length, 16); // SignatureListSize
  out.writeUInt32LE(0, 20); // SignatureHeaderSize
  out.writeUInt32LE(signatureSize, 24);
  out.set(guidToBytes(owner), 28);
  out.set(der, 44);
  return out;
}

/** The certificates (DER) in a signature database of X.509 lists; other list types are skipped. */
export function readSignatureLists(data: Uint8Array): { type: string; owner: string; data: Uint8Array }[] {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: { type: string; owner: string; data: Uint8Array }[] = [];
  for (let at = 0; at + 28 <= b.length; ) {
    const type = guidFromBytes(b.subarray(at, at + 16));
    const listSize = b.readUInt32LE(at + 16);
    const headerSize = b.readUInt32LE(at + 20);
    const size = b.readUInt32LE(at + 24);
    if (listSize < 28 || size < 16) fail("a malformed EFI_SIGNATURE_LIST");
    for (let s = at + 28 + headerSize; s + size <= at + listSize; s += size) {
      out.push({ type, owner: guidFromBytes(b.subarray(s, s + 16)), data: Uint8Array.from(b.subarray(s + 16, s + size)) });
    }
    at += listSize;
  }
  return out;
}

/**
 * The variables that put OVMF into user mode with Secure Boot enforced and
 * `certificate` (DER) as PK, KEK and db: only EFI programs signed by that
 * certificate's key run.
 */
export function secureBootVariables(certificate: Uint8Array, owner: string): UefiVariable[] {
  const list = x509SignatureList(certificate, owner);
  return [
    { name: "PK", guid: GUIDS.global, attributes: AUTH_VAR_ATTRIBUTES, data: list },
    { name: "KEK", guid: GUIDS.global, attributes: AUTH_VAR_ATTRIBUTES, data: list },
    { name: "db", guid: GUIDS.imageSecurity, attributes: AUTH_VAR_ATTRIBUTES, data: list },
    // 1 = SECURE_BOOT_ENABLE; OVMF would create it in user mode anyway, written so the store says what it means.
    { name: "SecureBootEnable", guid: GUIDS.secureBootEnable, attributes: ATTR.nonVolatile | ATTR.bootService, data: Uint8Array.of(1) },
  ];
}
