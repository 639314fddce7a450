// Just enough of an ELF reader to follow dynamic linking: the program
// interpreter (PT_INTERP) and the libraries a file needs (DT_NEEDED) — what
// puts a program into the initrd with its libraries, and what keeps a
// library in the root while something links it. Only 64-bit little-endian
// files (x86-64, the kernel notos boots): anything else is an error naming
// the file, never a guess.
import { NotosError } from "./errors.js";

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

export interface ElfDependencies {
  /** The program interpreter (PT_INTERP), e.g. "/lib64/ld-linux-x86-64.so.2"; absent for a static file or a library without one. */
  interpreter?: string;
  /** The DT_NEEDED sonames, in the file's order. */
  needed: string[];
}

interface Segment {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
}

function cString(bytes: Uint8Array, at: number, what: string): string {
  const end = bytes.indexOf(0, at);
  if (at >= bytes.byteLength || end < 0) throw new NotosError(`${what}: a string runs past the end of the file`, { code: "ELF_UNREADABLE" });
  return new TextDecoder().decode(bytes.subarray(at, end));
}

/** Whether `bytes` start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** The interpreter and DT_NEEDED entries of an ELF64 little-endian file; `name` says which file in errors. */
export function elfDependencies(bytes: Uint8Array, name: string): ElfDependencies {
  if (!isElf(bytes)) throw new NotosError(`${name} is not an ELF file`, { code: "ELF_UNREADABLE", hint: "only compiled programs and libraries link libraries: a script needs its interpreter" });
  if (bytes[4] !== 2 || bytes[5] !== 1) {
    throw new NotosError(`${name} is not a 64-bit little-endian ELF file (class ${bytes[4]}, data ${bytes[5]})`, { code: "ELF_UNREADABLE", hint: "notos boots x86-64: take the amd64 package" });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(view.getBigUint64(0x20, true));
  const phentsize = view.getUint16(0x36, true);
  const phnum = view.getUint16(0x38, true);
  if (phoff + phentsize * phnum > bytes.byteLength) throw new NotosError(`${name}: its program headers run past the end of the file`, { code: "ELF_UNREADABLE" });
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    segments.push({ type: view.getUint32(at, true), offset: Number(view.getBigUint64(at + 8, true)), vaddr: view.getBigUint64(at + 16, true), filesz: Number(view.getBigUint64(at + 32, true)) });
  }
  const result: ElfDependencies = { needed: [] };
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp) result.interpreter = cString(bytes, interp.offset, name);
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  if (!dynamic) return result;
  const tags: [bigint, bigint][] = [];
  for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.filesz; at += 16) {
    const tag = view.getBigUint64(at, true);
    if (tag === DT_NULL) break;
    tags.push([tag, view.getBigUint64(at + 8, true)]);
  }
  const strtab = tags.find(([t]) => t === DT_STRTAB)?.[1];
  const needed = tags.filter(([t]) => t === DT_NEEDED).map(([, v]) => v);
  if (needed.length === 0) return result;
  if (strtab === undefined) throw new NotosError(`${name} has DT_NEEDED entries but no string table`, { code: "ELF_UNREADABLE" });
  // DT_STRTAB is an address: the loadable segment that holds it maps it to a file offset.
  const load = segments.find((s) => s.type === PT_LOAD && s.vaddr <= strtab && strtab < s.vaddr + BigInt(s.filesz));
  if (!load) throw new NotosError(`${name}: no loadable segment holds its string table`, { code: "ELF_UNREADABLE" });
  const base = load.offset + Number(strtab - load.vaddr);
  result.needed = needed.map((v) => cString(bytes, base + Number(v), name));
  return result;
}
