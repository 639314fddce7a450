// GUIDs that come from the content, not from a random source: a partition's
// unique GUID is a hash of its bytes, the disk's a hash of its partitions.
// Two builds of the same system therefore write the same GPT, byte for byte,
// and the kernel command line can name the root partition by a PARTUUID that
// is known before the disk is written.
import { createHash } from "node:crypto";

/** A GUID in its usual text form (lower case), e.g. "4f68bce3-e8cd-4db1-96e7-fbcaf984b709". */
export type Guid = string;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A version-4-shaped GUID made from a hash of `parts` (strings or bytes). */
export function guidFrom(...parts: (string | Uint8Array)[]): Guid {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(typeof p === "string" ? Buffer.from(p, "utf8") : p);
    h.update(Buffer.from([0]));
  }
  const b = h.digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4 (the random kind's shape)
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** GPT's on-disk form: the first three fields little-endian, the rest as written. */
export function guidToBytes(guid: Guid): Uint8Array {
  if (!GUID.test(guid)) throw new TypeError(`not a GUID: ${JSON.stringify(guid)}`);
  const hex = guid.replace(/-/g, "");
  const b = Buffer.from(hex, "hex");
  return Uint8Array.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
}

/** The text form of 16 on-disk GPT bytes. */
export function guidFromBytes(bytes: Uint8Array): Guid {
  if (bytes.length !== 16) throw new TypeError(`a GUID is 16 bytes, not ${bytes.length}`);
  const b = bytes;
  const hex = (xs: number[]) => Buffer.from(xs).toString("hex");
  return `${hex([b[3]!, b[2]!, b[1]!, b[0]!])}-${hex([b[5]!, b[4]!])}-${hex([b[7]!, b[6]!])}-${hex([b[8]!, b[9]!])}-${hex([...b.subarray(10)])}`;
}

/** Partition type GUIDs this package writes. */
export const PARTITION_TYPES = {
  /** EFI system partition. */
  esp: "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
  /** "Root partition (x86-64)" of the Discoverable Partitions Specification. */
  rootX86_64: "4f68bce3-e8cd-4db1-96e7-fbcaf984b709",
} as const;
