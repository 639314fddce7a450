// Just enough ELF to find one section of a kernel module: the section
// header table and the section-name string table. Kernel modules are
// relocatable ELF files; the ones we read are ELF64 little-endian (amd64),
// but ELF32 and big-endian are handled too because the layout is the same.
import { NotosError } from "@notos/core";

export interface ElfSection {
  name: string;
  offset: number;
  size: number;
}

/** A file that is not the ELF it should be: a damaged or foreign kernel module in the package. */
export class ElfError extends NotosError {
  constructor(message: string) {
    super(message, { code: "KERNEL_ELF", hint: "the kernel package's module files are damaged or not amd64 ELF; delete the .deb from the download cache, or choose another boot.kernel.package" });
    this.name = "ElfError";
  }
}

/** Every section's name, file offset and size. */
export function elfSections(bytes: Uint8Array): ElfSection[] {
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError("not an ELF file");
  }
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  if (bytes[4] !== 1 && !is64) throw new ElfError(`unknown ELF class ${bytes[4]}`);
  // DataView throws a RangeError past the end; a cut-off file is an ElfError like any other damage.
  if (bytes.length < (is64 ? 64 : 52)) throw new ElfError("the ELF header is truncated");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  const word = (o: number) => (is64 ? Number(view.getBigUint64(o, little)) : u32(o));

  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  if (shoff === 0 || shnum === 0) return [];
  if (shentsize < (is64 ? 64 : 40)) throw new ElfError(`section headers of ${shentsize} bytes are too small`);
  if (shoff + shnum * shentsize > bytes.length) throw new ElfError("section header table lies outside the file");

  const raw = Array.from({ length: shnum }, (_, i) => {
    const h = shoff + i * shentsize;
    return {
      nameOffset: u32(h),
      offset: word(is64 ? h + 0x18 : h + 0x10),
      size: word(is64 ? h + 0x20 : h + 0x14),
    };
  });
  const strtab = raw[shstrndx];
  if (!strtab || strtab.offset + strtab.size > bytes.length) throw new ElfError("bad section-name string table index");
  const names = bytes.subarray(strtab.offset, strtab.offset + strtab.size);
  const decoder = new TextDecoder();
  return raw.map((s) => {
    const end = names.indexOf(0, s.nameOffset);
    return { name: decoder.decode(names.subarray(s.nameOffset, end < 0 ? names.length : end)), offset: s.offset, size: s.size };
  });
}

/** The bytes of the named section, or undefined when the file has none. */
export function elfSection(bytes: Uint8Array, name: string): Uint8Array | undefined {
  const section = elfSections(bytes).find((s) => s.name === name);
  if (!section) return undefined;
  if (section.offset + section.size > bytes.length) throw new ElfError(`section ${name} lies outside the file`);
  return bytes.subarray(section.offset, section.offset + section.size);
}
