// The GUID partition table, written as data: a protective MBR (with optional
// boot code), the primary header and entry array at the start of the disk,
// the backup copies at its end. No partitioning tool and no loop device: the
// disk image is these bytes around the partitions' own images. The reader
// beside the writer checks what this package (and xorriso) wrote.
import { crc32 } from "./crc32.js";
import { DiskError } from "./errors.js";
import { guidFromBytes, guidToBytes, type Guid } from "./guid.js";

export const SECTOR = 512;
/** Partitions start on 1 MiB boundaries, as every current partitioner does. */
export const ALIGN = 1024 * 1024;
const ENTRIES = 128;
const ENTRY_SIZE = 128;
/** Sectors the entry array takes (128 × 128 bytes). */
const ENTRY_SECTORS = (ENTRIES * ENTRY_SIZE) / SECTOR;
/** GPT attribute bit 2: "legacy BIOS bootable", which syslinux's gptmbr.bin boots. */
export const LEGACY_BIOS_BOOTABLE = 1n << 2n;

export interface PartitionSpec {
  /** The partition name (PARTLABEL), at most 36 UTF-16 code units. */
  name: string;
  type: Guid;
  /** The unique partition GUID (PARTUUID). */
  guid: Guid;
  /** Bytes of content; the partition is this rounded up to ALIGN. */
  size: number;
  attributes?: bigint;
}

export interface GptPartition extends PartitionSpec {
  /** 1-based, as the kernel numbers them (vda1, vda2, …). */
  number: number;
  firstLba: number;
  /** Inclusive. */
  lastLba: number;
  attributes: bigint;
}

export interface GptLayout {
  diskGuid: Guid;
  /** Bytes; a multiple of SECTOR. */
  diskSize: number;
  partitions: GptPartition[];
}

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** The smallest disk that holds `partitions` (each aligned to 1 MiB), rounded up to 1 MiB. */
export function minimumDiskSize(partitions: readonly Pick<PartitionSpec, "size">[]): number {
  const content = partitions.reduce((end, p) => end + roundUp(Math.max(p.size, 1), ALIGN), ALIGN);
  return roundUp(content + (ENTRY_SECTORS + 1) * SECTOR, ALIGN);
}

/**
 * Where each partition goes. `diskSize` (bytes) must hold them all: a
 * smaller one is a DiskError naming `option` (the user's option path).
 */
export function gptLayout(options: { partitions: readonly PartitionSpec[]; diskGuid: Guid; diskSize?: number; option?: string }): GptLayout {
  const min = minimumDiskSize(options.partitions);
  const diskSize = options.diskSize ?? min;
  if (diskSize < min) {
    throw new DiskError(`${options.option ?? "The disk size"} is ${diskSize} bytes, but the partitions need at least ${min} bytes (${Math.ceil(min / ALIGN)} MiB).`, {
      code: "DISK_SIZE",
      hint: `set ${options.option ?? "the disk size"} to "auto" or to at least ${Math.ceil(min / ALIGN)}M`,
    });
  }
  if (diskSize % SECTOR !== 0) throw new DiskError(`The disk size ${diskSize} is not a multiple of ${SECTOR} bytes.`, { code: "DISK_SIZE", hint: "give sizes in K, M or G" });
  let lba = ALIGN / SECTOR;
  const partitions = options.partitions.map((p, i): GptPartition => {
    if (p.name.length > 36) throw new DiskError(`The partition name ${JSON.stringify(p.name)} is longer than 36 characters.`, { code: "DISK_PARTITION_NAME", hint: "GPT names hold 36 UTF-16 code units" });
    const sectors = roundUp(Math.max(p.size, 1), ALIGN) / SECTOR;
    const part = { ...p, number: i + 1, firstLba: lba, lastLba: lba + sectors - 1, attributes: p.attributes ?? 0n };
    lba += sectors;
    return part;
  });
  return { diskGuid: options.diskGuid, diskSize, partitions };
}

function entryArray(layout: GptLayout): Uint8Array {
  const a = new Uint8Array(ENTRIES * ENTRY_SIZE);
  const v = new DataView(a.buffer);
  for (const p of layout.partitions) {
    const o = (p.number - 1) * ENTRY_SIZE;
    a.set(guidToBytes(p.type), o);
    a.set(guidToBytes(p.guid), o + 16);
    v.setBigUint64(o + 32, BigInt(p.firstLba), true);
    v.setBigUint64(o + 40, BigInt(p.lastLba), true);
    v.setBigUint64(o + 48, p.attributes, true);
    for (let i = 0; i < p.name.length; i++) v.setUint16(o + 56 + 2 * i, p.name.charCodeAt(i), true);
  }
  return a;
}

function header(layout: GptLayout, entries: Uint8Array, primary: boolean): Uint8Array {
  const last = layout.diskSize / SECTOR - 1;
  const h = new Uint8Array(SECTOR);
  const v = new DataView(h.buffer);
  h.set(new TextEncoder().encode("EFI PART"), 0);
  v.setUint32(8, 0x00010000, true);
  v.setUint32(12, 92, true);
  v.setBigUint64(24, BigInt(primary ? 1 : last), true);
  v.setBigUint64(32, BigInt(primary ? last : 1), true);
  v.setBigUint64(40, BigInt(2 + ENTRY_SECTORS), true);
  v.setBigUint64(48, BigInt(last - ENTRY_SECTORS - 1), true);
  h.set(guidToBytes(layout.diskGuid), 56);
  v.setBigUint64(72, BigInt(primary ? 2 : last - ENTRY_SECTORS), true);
  v.setUint32(80, ENTRIES, true);
  v.setUint32(84, ENTRY_SIZE, true);
  v.setUint32(88, crc32(entries), true);
  v.setUint32(16, crc32(h.subarray(0, 92)), true);
  return h;
}

/**
 * The bytes before the first partition (protective MBR, header, entries:
 * the first 34 sectors) and the bytes of the last 33 sectors (backup
 * entries and header). `bootCode` (at most 440 bytes) goes at the start of
 * the MBR — for BIOS boots, syslinux's gptmbr.bin.
 */
export function gptStructures(layout: GptLayout, options: { bootCode?: Uint8Array } = {}): { head: Uint8Array; tail: Uint8Array } {
  const sectors = layout.diskSize / SECTOR;
  const head = new Uint8Array((2 + ENTRY_SECTORS) * SECTOR);
  const mbr = new DataView(head.buffer);
  if (options.bootCode) {
    if (options.bootCode.length > 440) throw new DiskError(`MBR boot code is ${options.bootCode.length} bytes; at most 440 fit.`, { code: "DISK_MBR", hint: "use syslinux's gptmbr.bin" });
    head.set(options.bootCode, 0);
  }
  // One partition of type 0xEE over the whole disk: "this disk is GPT".
  head.set([0x00, 0x00, 0x02, 0x00, 0xee, 0xff, 0xff, 0xff], 446);
  mbr.setUint32(454, 1, true);
  mbr.setUint32(458, Math.min(sectors - 1, 0xffffffff), true);
  head.set([0x55, 0xaa], 510);
  const entries = entryArray(layout);
  head.set(header(layout, entries, true), SECTOR);
  head.set(entries, 2 * SECTOR);
  const tail = new Uint8Array((ENTRY_SECTORS + 1) * SECTOR);
  tail.set(entries, 0);
  tail.set(header(layout, entries, false), ENTRY_SECTORS * SECTOR);
  return { head, tail };
}

/** One entry as read back. */
export interface GptEntry {
  number: number;
  name: string;
  type: Guid;
  guid: Guid;
  firstLba: number;
  lastLba: number;
  attributes: bigint;
}

export interface GptTable {
  diskGuid: Guid;
  /** The header's own copy of where it is and where the backup is. */
  currentLba: number;
  backupLba: number;
  entries: GptEntry[];
}

/**
 * The GPT of a disk, through `read(offset, length)`. Header and entry-array
 * checksums are verified; a damaged table is a DiskError (DISK_GPT).
 */
export function readGpt(read: (offset: number, length: number) => Uint8Array, headerLba = 1): GptTable {
  const bad = (what: string) => new DiskError(`No valid GPT: ${what}.`, { code: "DISK_GPT", hint: "the image is damaged or not a GPT disk" });
  const h = read(headerLba * SECTOR, SECTOR);
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (new TextDecoder().decode(h.subarray(0, 8)) !== "EFI PART") throw bad(`no "EFI PART" signature at LBA ${headerLba}`);
  const size = v.getUint32(12, true);
  const copy = Uint8Array.from(h.subarray(0, size));
  copy.fill(0, 16, 20);
  if (crc32(copy) !== v.getUint32(16, true)) throw bad("the header checksum does not match");
  const entriesLba = Number(v.getBigUint64(72, true));
  const count = v.getUint32(80, true);
  const entrySize = v.getUint32(84, true);
  const array = read(entriesLba * SECTOR, count * entrySize);
  if (crc32(array) !== v.getUint32(88, true)) throw bad("the entry array checksum does not match");
  const av = new DataView(array.buffer, array.byteOffset, array.byteLength);
  const entries: GptEntry[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * entrySize;
    if (array.subarray(o, o + 16).every((b) => b === 0)) continue;
    let name = "";
    for (let j = 0; j < 36; j++) {
      const c = av.getUint16(o + 56 + 2 * j, true);
      if (c === 0) break;
      name += String.fromCharCode(c);
    }
    entries.push({
      number: i + 1,
      name,
      type: guidFromBytes(array.subarray(o, o + 16)),
      guid: guidFromBytes(array.subarray(o + 16, o + 32)),
      firstLba: Number(av.getBigUint64(o + 32, true)),
      lastLba: Number(av.getBigUint64(o + 40, true)),
      attributes: av.getBigUint64(o + 48, true),
    });
  }
  return { diskGuid: guidFromBytes(h.subarray(56, 72)), currentLba: Number(v.getBigUint64(24, true)), backupLba: Number(v.getBigUint64(32, true)), entries };
}
