// The newc reader, the writer's counterpart: an archive back into tree
// entries, to check what an initrd holds without unpacking it on the host.
// It takes what the kernel takes — newc (070701) and its checksummed twin
// (070702), GNU's zero padding, archives concatenated one after another —
// and refuses anything else with a NotosError that says where the archive
// goes wrong: damaged input must never surface as a TypeError, a RangeError
// or a hang.
import { NotosError } from "@notos/core";
import { treeEntry, type TreeEntry, type TreeEntryType } from "@notos/core/tree";
import { HEADER_SIZE, S_IFMT, TRAILER, TYPE_BITS, pad4 } from "./cpio.js";

/** A tree entry with its modification time (seconds): what `readCpio` and `treeFromDirectory` give. */
export type TimedEntry = TreeEntry & { mtime: number };

/** An archive in memory, or as chunks (a Node stream, a web ReadableStream, an array of buffers). */
export type CpioInput = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

const FIELDS = ["ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check"] as const;
type Header = Record<(typeof FIELDS)[number], number>;

// The kernel refuses longer names too; the bound also keeps a damaged
// namesize from buffering a whole stream before the read fails.
const PATH_MAX = 4096;
const EMPTY = new Uint8Array(0);
const TYPES = new Map<number, TreeEntryType>([
  [TYPE_BITS.file, "file"],
  [TYPE_BITS.dir, "dir"],
  [TYPE_BITS.symlink, "symlink"],
  [TYPE_BITS.char, "char"],
  [TYPE_BITS.block, "block"],
  [TYPE_BITS.fifo, "fifo"],
]);
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

function malformed(message: string): NotosError {
  return new NotosError(`cpio: ${message}`, {
    code: "CPIO_MALFORMED",
    hint: "the input is not an uncompressed newc (SVR4) cpio archive, or it is damaged; decompress an initrd first (zstd -d, xz -d, gzip -d)",
  });
}

/** Reads exact byte counts from chunks of any size, pulling chunks only as far as needed. */
class ByteSource {
  readonly #iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  readonly #chunks: Uint8Array[] = [];
  #head = 0;
  #buffered = 0;
  #done = false;
  /** Bytes consumed so far: where the next read starts in the archive. */
  offset = 0;

  constructor(input: CpioInput) {
    if (input instanceof Uint8Array) this.#iterator = [input][Symbol.iterator]();
    else if (Symbol.asyncIterator in input) this.#iterator = input[Symbol.asyncIterator]();
    else if (Symbol.iterator in input) this.#iterator = input[Symbol.iterator]();
    else throw new TypeError("readCpio takes a Uint8Array or an (async) iterable of Uint8Array chunks");
  }

  async #fill(n: number): Promise<boolean> {
    while (this.#buffered < n && !this.#done) {
      const next = await this.#iterator.next();
      if (next.done) {
        this.#done = true;
        break;
      }
      if (!(next.value instanceof Uint8Array)) throw new TypeError("readCpio: a stream chunk is not a Uint8Array (is the stream in text mode?)");
      if (next.value.length > 0) {
        this.#chunks.push(next.value);
        this.#buffered += next.value.length;
      }
    }
    return this.#buffered >= n;
  }

  /** The next `n` bytes; a view into the input when they lie in one chunk. */
  async take(n: number, what: () => string): Promise<Uint8Array> {
    if (n === 0) return EMPTY;
    if (!(await this.#fill(n))) throw malformed(`truncated ${what()}: ${n} bytes needed at offset ${this.offset}, ${this.#buffered} left`);
    const first = this.#chunks[0]!;
    let out: Uint8Array;
    if (first.length - this.#head >= n) {
      out = first.subarray(this.#head, this.#head + n);
      this.#advance(n);
    } else {
      out = new Uint8Array(n);
      for (let filled = 0; filled < n; ) {
        const chunk = this.#chunks[0]!;
        const count = Math.min(n - filled, chunk.length - this.#head);
        out.set(chunk.subarray(this.#head, this.#head + count), filled);
        filled += count;
        this.#advance(count);
      }
    }
    return out;
  }

  #advance(count: number): void {
    this.#head += count;
    this.#buffered -= count;
    this.offset += count;
    if (this.#head === this.#chunks[0]!.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }

  /** Skip NUL bytes (padding between and after archives). */
  async skipZeros(): Promise<void> {
    while (await this.#fill(1)) {
      const chunk = this.#chunks[0]!;
      let end = this.#head;
      while (end < chunk.length && chunk[end] === 0) end++;
      if (end === this.#head) return;
      this.#advance(end - this.#head);
    }
  }

  async atEnd(): Promise<boolean> {
    return !(await this.#fill(1));
  }
}

function checkMagic(bytes: Uint8Array, start: number): string {
  const magic = latin1.decode(bytes);
  if (magic !== "070701" && magic !== "070702") {
    throw malformed(`bad magic ${JSON.stringify(magic)} at offset ${start}${magic.startsWith("0707") ? " (an old cpio format; notos reads newc, 070701)" : ""}`);
  }
  return magic;
}

/** The 13 fields after the magic. */
function parseHeader(bytes: Uint8Array, start: number): Header {
  const header = {} as Header;
  FIELDS.forEach((field, i) => {
    const text = latin1.decode(bytes.subarray(i * 8, 8 + i * 8));
    if (!/^[0-9A-Fa-f]{8}$/.test(text)) throw malformed(`the ${field} field of the header at offset ${start} is not 8 hex digits: ${JSON.stringify(text)}`);
    header[field] = parseInt(text, 16);
  });
  return header;
}

/** An archive name as a tree path: "." and "./" are the root, "./a", "a" and "/a" are "/a". */
function treePath(name: string, start: number): string {
  let rest = name;
  while (rest.startsWith("./")) rest = rest.slice(2);
  rest = rest.replace(/^\/+/, "");
  if (rest === "" || rest === ".") return "/";
  if (rest.split("/").some((p) => p === "" || p === "." || p === "..")) {
    throw malformed(`the name ${JSON.stringify(name)} of the entry at offset ${start} is not a normalised path`);
  }
  return `/${rest}`;
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformed(`${what} is not UTF-8`);
  }
}

interface Member {
  entry: TimedEntry;
  /** Regular files with more than one link: device and inode, the hard-link group they belong to. */
  inode?: string;
  size: number;
}

/** One archive up to and including its trailer. */
async function readArchive(source: ByteSource): Promise<Member[]> {
  const members: Member[] = [];
  for (;;) {
    const start = source.offset;
    if (start % 4 !== 0) throw malformed(`a header starts at offset ${start}, which is not a multiple of 4`);
    // The magic on its own first: a file that is not an archive at all is "bad magic", however short.
    const magic = checkMagic(await source.take(6, () => `header at offset ${start}`), start);
    const header = parseHeader(await source.take(HEADER_SIZE - 6, () => `header at offset ${start}`), start);
    if (header.namesize < 2) throw malformed(`the entry at offset ${start} has an empty name`);
    if (header.namesize > PATH_MAX) throw malformed(`the entry at offset ${start} has a name of ${header.namesize} bytes, longer than PATH_MAX (${PATH_MAX})`);
    const nameBytes = await source.take(header.namesize, () => `name of the entry at offset ${start}`);
    const nul = nameBytes.indexOf(0);
    if (nul !== header.namesize - 1) {
      throw malformed(`the name of the entry at offset ${start} ${nul < 0 ? "does not end in a NUL byte" : "has a NUL byte before its end"}`);
    }
    const name = decodeUtf8(nameBytes.subarray(0, nul), `the name of the entry at offset ${start}`);
    // Whatever follows the trailer is padding (or the next archive): an archive cut right after it is whole.
    if (name === TRAILER) return members;
    await source.take(pad4(HEADER_SIZE + header.namesize), () => `padding after the name ${JSON.stringify(name)}`);
    const data = await source.take(header.filesize, () => `data of ${JSON.stringify(name)}`);
    await source.take(pad4(header.filesize), () => `padding after the data of ${JSON.stringify(name)}`);

    const type = TYPES.get(header.mode & S_IFMT);
    if (type === undefined) {
      const kind = (header.mode & S_IFMT) === 0o140000 ? "a socket" : `of file type ${(header.mode & S_IFMT).toString(8).padStart(6, "0")}`;
      throw new NotosError(`cpio: ${JSON.stringify(name)} is ${kind}, which a notos tree cannot hold`, {
        code: "CPIO_UNSUPPORTED",
        hint: "notos trees hold files, directories, symlinks, hard links, device nodes and fifos",
      });
    }
    if (magic === "070702" && type === "file") {
      let sum = 0;
      for (const byte of data) sum = (sum + byte) >>> 0;
      if (sum !== header.check) throw malformed(`the data of ${JSON.stringify(name)} does not match its checksum`);
    }
    if (type === "symlink" && data.length === 0) throw malformed(`the symlink ${JSON.stringify(name)} has no target`);
    const entry: TimedEntry = treeEntry(
      type,
      { path: treePath(name, start), mode: header.mode & 0o7777, uid: header.uid, gid: header.gid, mtime: header.mtime },
      {
        // A copy, and a plain Uint8Array even when the input is a Buffer.
        content: type === "file" ? new Uint8Array(data) : undefined,
        target: type === "symlink" ? decodeUtf8(data, `the target of the symlink ${JSON.stringify(name)}`) : undefined,
        major: header.rdevmajor,
        minor: header.rdevminor,
      },
    );
    const member: Member = { entry, size: header.filesize };
    if (type === "file" && header.nlink > 1) member.inode = `${header.devmajor}:${header.devminor}:${header.ino}`;
    members.push(member);
  }
}

/**
 * The first member of a hard-link group becomes the file, with the content
 * whichever member carries it (GNU cpio and `planCpio` put it on the last);
 * the others become hard links to it. Written again, the group gives the
 * same bytes.
 */
function linkGroups(members: Member[]): TimedEntry[] {
  const groups = new Map<string, Member[]>();
  for (const m of members) if (m.inode !== undefined) groups.set(m.inode, [...(groups.get(m.inode) ?? []), m]);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [first, ...rest] = group as [Member, ...Member[]];
    const carrier = [...group].reverse().find((m) => m.size > 0) ?? first;
    const content = carrier.entry.type === "file" ? carrier.entry.content : EMPTY;
    if (first.entry.type === "file") first.entry.content = content;
    for (const m of rest) {
      const { path, mode, uid, gid, mtime } = m.entry;
      m.entry = { path, mode, uid, gid, mtime, type: "hardlink", target: first.entry.path };
    }
  }
  return members.map((m) => m.entry);
}

/**
 * The entries of a newc archive (uncompressed), in archive order: paths
 * absolute ("." is "/"), permission bits in `mode`, owners, `mtime`, file
 * content, symlink targets, device numbers, and hard links as `hardlink`
 * entries. Concatenated archives are read one after another; a later entry
 * for a path replaces an earlier one, as when the kernel unpacks them.
 * Malformed input is a NotosError (code CPIO_MALFORMED) naming the offset.
 */
export async function readCpio(input: CpioInput): Promise<TimedEntry[]> {
  const source = new ByteSource(input);
  const entries = new Map<string, TimedEntry>();
  if (await source.atEnd()) throw malformed("the input is empty");
  do {
    for (const entry of linkGroups(await readArchive(source))) entries.set(entry.path, entry);
    await source.skipZeros();
  } while (!(await source.atEnd()));
  return [...entries.values()];
}
