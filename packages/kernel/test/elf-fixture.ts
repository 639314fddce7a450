// A module file as the kernel's are laid out — an ELF64 relocatable with a
// `.modinfo` section and the section-name table — for the ELF reader's tests.

/** A relocatable ELF64 (little- or big-endian) with a `.modinfo` section, laid out as the kernel's modules are. */
export function moduleElf(modinfo: string, little = true): Uint8Array {
  const enc = new TextEncoder();
  const info = enc.encode(modinfo);
  const names = enc.encode("\0.modinfo\0.shstrtab\0");
  const infoOff = 64;
  const namesOff = infoOff + info.length;
  const shoff = Math.ceil((namesOff + names.length) / 8) * 8;
  const buf = new Uint8Array(shoff + 3 * 64);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, little ? 1 : 2, 1], 0);
  v.setBigUint64(0x28, BigInt(shoff), little);
  v.setUint16(0x3a, 64, little);
  v.setUint16(0x3c, 3, little);
  v.setUint16(0x3e, 2, little);
  buf.set(info, infoOff);
  buf.set(names, namesOff);
  const section = (i: number, name: number, off: number, size: number) => {
    v.setUint32(shoff + i * 64, name, little);
    v.setBigUint64(shoff + i * 64 + 0x18, BigInt(off), little);
    v.setBigUint64(shoff + i * 64 + 0x20, BigInt(size), little);
  };
  section(1, 1, infoOff, info.length);
  section(2, 10, namesOff, names.length);
  return buf;
}
