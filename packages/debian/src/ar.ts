// A reader for the `ar` archives .deb files are: "!<arch>\n", then members
// with 60-byte headers, each body padded to an even length. Headers are
// read with positional reads; bodies are handed out as byte ranges so
// large members can be streamed.
import { promises as fs } from "node:fs";
import { DebianError } from "./errors.js";

export interface ArMember {
  name: string;
  /** Offset of the body in the file. */
  offset: number;
  size: number;
}

const MAGIC = "!<arch>\n";
const HEADER = 60;

export function parseArHeader(header: Uint8Array, offset: number, file: string): { name: string; size: number } {
  const text = new TextDecoder("latin1").decode(header);
  if (text.slice(58, 60) !== "`\n") throw new DebianError(`${file}: bad ar member header at offset ${offset}`, { hint: "the file is not a .deb or is damaged" });
  // GNU ar ends names with "/"; dpkg-deb writes plain space-padded names.
  const name = text.slice(0, 16).trimEnd().replace(/\/$/, "");
  const size = Number.parseInt(text.slice(48, 58).trim(), 10);
  if (!Number.isFinite(size) || size < 0) throw new DebianError(`${file}: bad ar member size at offset ${offset}`, { hint: "the file is not a .deb or is damaged" });
  return { name, size };
}

/** The members of an ar archive file. */
export async function listArMembers(file: string): Promise<ArMember[]> {
  const handle = await fs.open(file, "r");
  try {
    const { size: fileSize } = await handle.stat();
    const magic = Buffer.alloc(MAGIC.length);
    await handle.read(magic, 0, MAGIC.length, 0);
    if (magic.toString("latin1") !== MAGIC) throw new DebianError(`${file} is not an ar archive (not a .deb)`, { hint: "the file is damaged or not a Debian package" });
    const members: ArMember[] = [];
    const header = Buffer.alloc(HEADER);
    for (let offset = MAGIC.length; offset + HEADER <= fileSize; ) {
      const { bytesRead } = await handle.read(header, 0, HEADER, offset);
      if (bytesRead < HEADER) break;
      const { name, size } = parseArHeader(header, offset, file);
      if (offset + HEADER + size > fileSize) throw new DebianError(`${file}: member ${name} is truncated`, { hint: "the file is damaged; delete it and download it again" });
      members.push({ name, offset: offset + HEADER, size });
      offset += HEADER + size + (size % 2);
    }
    return members;
  } finally {
    await handle.close();
  }
}
