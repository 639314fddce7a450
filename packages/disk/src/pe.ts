// A Unified Kernel Image is systemd's EFI stub with the kernel, the initrd,
// the command line and os-release appended as PE sections (.linux, .initrd,
// .cmdline, .osrel); the stub finds them by name and boots the kernel with
// them. objcopy can append sections, but it stamps the build time into the
// PE header. Appending is a few header fields and a section table row per
// section, so it is done here, as a pure function: same bytes in, same
// bytes out.
import { DiskError } from "./errors.js";

export interface PeSection {
  /** At most 8 bytes, e.g. ".linux". */
  name: string;
  data: Uint8Array;
}

/** A section as read back. */
export interface PeSectionInfo {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
  characteristics: number;
}

export interface PeInfo {
  machine: number;
  timeDateStamp: number;
  sectionAlignment: number;
  fileAlignment: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  checksum: number;
  /** Where the checksum field is in the file (a signer zeroes it out of the digest and rewrites it). */
  checksumOffset: number;
  /** The certificate table's data-directory entry (where it is in the file, and the table it points at), when the header has one. */
  certificateTable?: { entryOffset: number; offset: number; size: number };
  sections: PeSectionInfo[];
}

/** IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ */
const DATA_READONLY = 0x40000040;
/** The stub's sections stay where the linker put them; ours start on page boundaries. */
const PAGE = 0x1000;

const malformed = (what: string) => new DiskError(`The EFI stub is not a PE32+ image: ${what}.`, { code: "DISK_PE", hint: "the stub package is damaged; delete it from the download cache" });
const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

function offsets(image: Uint8Array) {
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (image.length < 0x40 || v.getUint16(0, true) !== 0x5a4d) throw malformed("no MZ header");
  const pe = v.getUint32(0x3c, true);
  if (pe + 24 > image.length || v.getUint32(pe, true) !== 0x00004550) throw malformed("no PE signature");
  const coff = pe + 4;
  const opt = coff + 20;
  if (v.getUint16(opt, true) !== 0x20b) throw malformed("not PE32+");
  const table = opt + v.getUint16(coff + 16, true);
  return { v, coff, opt, table };
}

/** The headers and section table of a PE32+ image. */
export function readPe(image: Uint8Array): PeInfo {
  const { v, coff, opt, table } = offsets(image);
  const count = v.getUint16(coff + 2, true);
  const sections: PeSectionInfo[] = [];
  for (let i = 0; i < count; i++) {
    const o = table + i * 40;
    const raw = image.subarray(o, o + 8);
    const end = raw.indexOf(0);
    sections.push({
      name: new TextDecoder().decode(end < 0 ? raw : raw.subarray(0, end)),
      virtualSize: v.getUint32(o + 8, true),
      virtualAddress: v.getUint32(o + 12, true),
      rawSize: v.getUint32(o + 16, true),
      rawOffset: v.getUint32(o + 20, true),
      characteristics: v.getUint32(o + 36, true),
    });
  }
  return {
    machine: v.getUint16(coff, true),
    timeDateStamp: v.getUint32(coff + 4, true),
    sectionAlignment: v.getUint32(opt + 32, true),
    fileAlignment: v.getUint32(opt + 36, true),
    sizeOfImage: v.getUint32(opt + 56, true),
    sizeOfHeaders: v.getUint32(opt + 60, true),
    checksum: v.getUint32(opt + 64, true),
    checksumOffset: opt + 64,
    ...(v.getUint32(opt + 108, true) >= 5 ? { certificateTable: { entryOffset: opt + 144, offset: v.getUint32(opt + 144, true), size: v.getUint32(opt + 148, true) } } : {}),
    sections,
  };
}

/** The PE checksum: 16-bit one's-complement sum of the file (checksum field as zero) plus its length. */
export function peChecksum(image: Uint8Array): number {
  const { opt } = offsets(image);
  const field = opt + 64;
  let sum = 0;
  for (let i = 0; i < image.length; i += 2) {
    if (i === field || i === field + 2) continue;
    sum += image[i]! | ((image[i + 1] ?? 0) << 8);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum + image.length) >>> 0;
}

/**
 * `stub` with `sections` appended: each one's data after the stub's last
 * byte (file-aligned), at the next free page-aligned virtual address, as
 * read-only initialised data. SizeOfImage and the checksum follow; the time
 * stamp stays the stub's; the stub's COFF symbol table (debugging leftovers
 * after its sections, never loaded) is dropped. Throws when the header has
 * no room for the rows, or when the stub is signed.
 */
export function addPeSections(stub: Uint8Array, sections: readonly PeSection[]): Uint8Array {
  const info = readPe(stub);
  const { table } = offsets(stub);
  const rowsEnd = table + (info.sections.length + sections.length) * 40;
  if (rowsEnd > info.sizeOfHeaders) throw malformed(`its header has no room for ${sections.length} more section rows`);
  let fileEnd = roundUp(Math.max(info.sizeOfHeaders, ...info.sections.map((s) => s.rawOffset + s.rawSize)), info.fileAlignment);
  const { v: sv, coff: scoff, opt: sopt } = offsets(stub);
  // A signature covers the old bytes: appending would break it, so refuse.
  if (sv.getUint32(sopt + 112 + 4 * 8 + 4, true) !== 0) throw malformed("it is signed (it has a certificate table)");
  // What follows the sections is the COFF symbol table, which nothing loads: it is left out.
  const symbols = sv.getUint32(scoff + 8, true);
  if (stub.length > fileEnd && symbols !== fileEnd) throw malformed("it has data after its last section that is not a symbol table");
  let va = roundUp(Math.max(...info.sections.map((s) => s.virtualAddress + Math.max(s.virtualSize, s.rawSize))), PAGE);
  const rows: { name: string; va: number; vsize: number; offset: number; rawSize: number }[] = [];
  for (const s of sections) {
    if (new TextEncoder().encode(s.name).length > 8) throw new TypeError(`PE section names have at most 8 bytes: ${s.name}`);
    const rawSize = roundUp(s.data.length, info.fileAlignment);
    rows.push({ name: s.name, va, vsize: s.data.length, offset: fileEnd, rawSize });
    fileEnd += rawSize;
    va = roundUp(va + s.data.length, PAGE);
  }
  const out = new Uint8Array(fileEnd);
  out.set(stub.subarray(0, Math.min(stub.length, rows[0]?.offset ?? fileEnd)));
  const { v, coff, opt } = offsets(out);
  v.setUint32(coff + 8, 0, true); // PointerToSymbolTable
  v.setUint32(coff + 12, 0, true); // NumberOfSymbols
  rows.forEach((r, i) => {
    const o = table + (info.sections.length + i) * 40;
    out.set(new TextEncoder().encode(r.name), o);
    v.setUint32(o + 8, r.vsize, true);
    v.setUint32(o + 12, r.va, true);
    v.setUint32(o + 16, r.rawSize, true);
    v.setUint32(o + 20, r.offset, true);
    v.setUint32(o + 36, DATA_READONLY, true);
    out.set(sections[i]!.data, r.offset);
  });
  v.setUint16(coff + 2, info.sections.length + sections.length, true);
  v.setUint32(opt + 8, v.getUint32(opt + 8, true) + rows.reduce((n, r) => n + r.rawSize, 0), true); // SizeOfInitializedData
  v.setUint32(opt + 56, roundUp(va, info.sectionAlignment), true); // SizeOfImage
  v.setUint32(opt + 64, peChecksum(out), true);
  return out;
}
