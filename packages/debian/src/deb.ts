// Reading a .deb without unpacking it on the host: the ar member
// data.tar.{xz,zst,gz} is streamed through the decompressor into a tar
// parser, and every entry comes out as data with its full metadata. A
// reader after a few files says which paths it wants, so the rest streams
// past without being buffered. Control fields are kept for the life of the
// process: the builders of one build read the same packages' fields, and
// each read starts a decompressor.
import { createReadStream, promises as fs } from "node:fs";
import { posix, resolve } from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract as tarExtract, type Header } from "tar-stream";
import { treeEntry, type TreeEntry, type TreeEntryType } from "@notos/core/tree";
import { requireHostProgram } from "@notos/core/host";
import { programError, startProgram, type RunningProgram } from "@notos/core/process";
import { listArMembers, type ArMember } from "./ar.js";
import { parseDeb822 } from "./deb822.js";
import { DAMAGED_HINT, DebianError, NOT_A_DEB_HINT } from "./errors.js";
import { xzDecompressTogether } from "./xz.js";

/** A tree entry with its modification time (seconds since the epoch) as recorded in the package. */
export type DebEntry = TreeEntry & { mtime: number };

export interface DebControl {
  fields: Record<string, string>;
  conffiles: string[];
}

/** "./usr/bin/bash" → "/usr/bin/bash"; "./" → "/". */
export function normaliseDebPath(name: string): string {
  const path = posix.normalize("/" + name.replace(/^\.\/?/, ""));
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

const MERGED = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

/** Map a path onto the merged-/usr layout: "/bin/sh" → "/usr/bin/sh", "/lib64" → "/usr/lib64". */
export function mergedUsrPath(path: string): string {
  const top = path.split("/")[1] ?? "";
  return MERGED.includes(top) ? `/usr${path}` : path;
}

const TYPES: Partial<Record<string, TreeEntryType>> = {
  file: "file",
  "contiguous-file": "file",
  directory: "dir",
  symlink: "symlink",
  link: "hardlink",
  "character-device": "char",
  "block-device": "block",
  fifo: "fifo",
};

/** The entries of a member already decompressed, with memberTar's errors. */
async function* decompressedTar(file: string, m: ArMember, tar: Buffer): AsyncGenerator<{ header: Header; content: Uint8Array | undefined }> {
  try {
    yield* tarEntries(Readable.from([tar]));
  } catch (error) {
    throw new DebianError(`${file}: cannot read ${m.name}: ${(error as Error).message}`, { hint: DAMAGED_HINT, cause: error });
  }
}

/** The bytes of one ar member, read whole (control archives are a few KiB). */
async function readMember(file: string, m: ArMember): Promise<Buffer> {
  const handle = await fs.open(file, "r");
  try {
    const bytes = Buffer.alloc(m.size);
    const { bytesRead } = await handle.read(bytes, 0, m.size, m.offset);
    if (bytesRead !== m.size) throw new DebianError(`${file}: ${m.name} is truncated`, { hint: DAMAGED_HINT });
    return bytes;
  } finally {
    await handle.close();
  }
}

/** The member of a .deb named `prefix` or `prefix.<compression>` (data.tar.xz), after checking it is a .deb. */
export async function member(file: string, prefix: string): Promise<ArMember> {
  const members = await listArMembers(file);
  if (members[0]?.name !== "debian-binary") throw new DebianError(`${file} is not a Debian package (no debian-binary member first)`, { hint: NOT_A_DEB_HINT });
  const found = members.find((m) => m.name === prefix || m.name.startsWith(`${prefix}.`));
  if (!found) throw new DebianError(`${file} has no ${prefix} member`, { hint: NOT_A_DEB_HINT });
  return found;
}

/**
 * The entries of a tar stream, each file's content in one piece. Entries
 * whose path `wanted` rejects are drained, not buffered, and not yielded.
 */
export async function* tarEntries(input: Readable, wanted?: (path: string) => boolean): AsyncGenerator<{ header: Header; content: Uint8Array | undefined }> {
  const extract = tarExtract();
  input.on("error", (error) => extract.destroy(error));
  input.pipe(extract);
  let finished = false;
  try {
    for await (const entry of extract) {
      if (wanted && !wanted(normaliseDebPath(entry.header.name))) {
        entry.resume();
        continue;
      }
      let content: Uint8Array | undefined;
      if (entry.header.type === "file" || entry.header.type === "contiguous-file") {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        content = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      } else {
        entry.resume();
      }
      yield { header: entry.header, content };
    }
    finished = true;
  } finally {
    if (!finished) extract.destroy();
  }
}

/**
 * Stream the decompressed bytes of one ar member, by its extension. Entries
 * whose path `wanted` rejects are drained, not buffered, and not yielded.
 */
async function* memberTar(file: string, m: ArMember, wanted?: (path: string) => boolean): AsyncGenerator<{ header: Header; content: Uint8Array | undefined }> {
  const raw = createReadStream(file, { start: m.offset, end: m.offset + m.size - 1 });
  const ext = m.name.slice(m.name.lastIndexOf(".") + 1);
  let input: Readable;
  let subprocess: RunningProgram | undefined;
  if (ext === "xz" || ext === "zst") {
    // Its path, so that the child does not search PATH for it.
    const program = requireHostProgram({ program: ext === "xz" ? "xz" : "zstd", debianPackage: ext === "xz" ? "xz-utils" : "zstd", neededBy: `unpacking ${m.name} of a .deb` });
    // The decompressor exits early on bad input; its status is the error that counts, not EPIPE (startProgram ignores that).
    subprocess = startProgram(program, ["--decompress", "--stdout"], { stdin: "pipe", stdout: "stream", reject: false });
    raw.on("error", (error) => subprocess?.stdin!.destroy(error));
    raw.pipe(subprocess.stdin!);
    input = subprocess.stdout!;
  } else if (ext === "gz") {
    input = raw.pipe(createGunzip());
    raw.on("error", (error) => input.destroy(error));
  } else if (ext === "tar") {
    input = raw;
  } else {
    raw.destroy();
    throw new DebianError(`${file}: ${m.name} has an unsupported compression`, { hint: "notos reads xz, zstd, gzip and uncompressed members" });
  }
  let finished = false;
  try {
    yield* tarEntries(input, wanted);
    finished = true;
  } catch (error) {
    if (subprocess) {
      // Stop it first: a decompressor still writing to a pipe nobody reads would never exit.
      raw.destroy();
      subprocess.kill();
      const stderr = (await subprocess.result).stderr.toString("utf8").trim();
      throw new DebianError(`${file}: cannot read ${m.name}: ${(error as Error).message}${stderr ? ` (${stderr})` : ""}`, {
        hint: DAMAGED_HINT,
        cause: error,
      });
    }
    throw new DebianError(`${file}: cannot read ${m.name}: ${(error as Error).message}`, { hint: DAMAGED_HINT, cause: error });
  } finally {
    if (!finished) {
      raw.destroy();
      subprocess?.kill();
    }
    if (subprocess) {
      const result = await subprocess.result;
      if (finished && (result.exitCode !== 0 || result.startError)) {
        const error = programError(result);
        throw new DebianError(`${file}: decompressing ${m.name} failed: ${error.message}`, {
          hint: DAMAGED_HINT,
          cause: error,
        });
      }
    }
  }
}

export function toEntry(header: Header, content: Uint8Array | undefined, file: string): DebEntry | undefined {
  const type = header.type ? TYPES[header.type] : undefined;
  if (!type) {
    // pax and GNU long-name headers are consumed by tar-stream; anything else is unexpected.
    throw new DebianError(`${file}: unsupported tar entry type ${header.type ?? "?"} for ${header.name}`, { hint: "report this package" });
  }
  const base = {
    path: normaliseDebPath(header.name),
    mode: (header.mode ?? 0) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    mtime: header.mtime ? Math.floor(header.mtime.getTime() / 1000) : 0,
  };
  return treeEntry(type, base, {
    content,
    target: type === "hardlink" ? normaliseDebPath(header.linkname ?? "") : (header.linkname ?? undefined),
    major: header.devmajor,
    minor: header.devminor,
  });
}

export interface ReadDebDataOptions {
  /**
   * Only the entries whose (normalised) path this accepts are yielded; the
   * content of the others passes through the decompressor and is dropped
   * unread. A hard link to a left-out file still names it as its target.
   */
  only?: (path: string) => boolean;
}

/**
 * Every entry of a .deb's data archive, in archive order. Paths are absolute
 * and normalised ("/usr/bin/bash"); nothing is written to the host.
 */
export async function* readDebData(file: string, options: ReadDebDataOptions = {}): AsyncGenerator<DebEntry> {
  const m = await member(file, "data.tar");
  for await (const { header, content } of memberTar(file, m, options.only)) {
    const entry = toEntry(header, content, file);
    if (entry) yield entry;
  }
}

// Keyed on the file's identity on disk, so a file rewritten in place is read again.
const controls = new Map<string, Promise<DebControl>>();
const CONTROLS_KEPT = 4096;

// Reads asked for in one turn of the event loop (a builder's Promise.all
// over its packages) gather their xz members and share one decompressor.
let queued: { file: string; settle: (read: Promise<DebControl>) => void }[] = [];

/** The control fields and the conffiles list of a .deb (each caller gets its own copy). */
export async function readDebControl(file: string): Promise<DebControl> {
  const { fields, conffiles } = await new Promise<DebControl>((resolve, reject) => {
    if (queued.push({ file, settle: (read) => read.then(resolve, reject) }) === 1) setImmediate(readQueuedControls);
  });
  return { fields: { ...fields }, conffiles: [...conffiles] };
}

function readQueuedControls(): void {
  const batch = queued;
  queued = [];
  readControls(batch.map((q) => q.file)).then(
    (reads) => batch.forEach((q, i) => q.settle(reads[i]!)),
    (error: unknown) => batch.forEach((q) => q.settle(Promise.reject(error))),
  );
}

/**
 * The controls of `files`: from the cache, or read, the xz members of the
 * reads decompressed by one xz. A read's own failure (a missing file, a
 * damaged member) settles only that read.
 */
async function readControls(files: readonly string[]): Promise<Promise<DebControl>[]> {
  const keys = await Promise.all(files.map(controlKey));
  const toRead: { file: string; done: (read: Promise<DebControl>) => void }[] = [];
  const reads = files.map((file, i) => {
    const key = keys[i];
    const cached = key === undefined ? undefined : controls.get(key);
    if (cached) return cached;
    const read = new Promise<DebControl>((done) => toRead.push({ file, done }));
    if (key !== undefined) {
      if (controls.size >= CONTROLS_KEPT) controls.delete(controls.keys().next().value!);
      controls.set(key, read);
      read.catch(() => controls.delete(key));
    }
    return read;
  });
  try {
    const members = await Promise.allSettled(toRead.map(({ file }) => controlMember(file)));
    const xz = members.flatMap((m) => (m.status === "fulfilled" && m.value.xz ? [m.value.xz] : []));
    const outputs = xz.length ? xzDecompressTogether(xz) : [];
    const decompressed = new Map(xz.map((input, i) => [input, outputs[i]!]));
    toRead.forEach(({ file, done }, i) => {
      const m = members[i]!;
      if (m.status === "rejected") return done(Promise.reject(m.reason));
      const { member: found, xz: input } = m.value;
      done(input ? decompressed.get(input)!.then((tar) => parseControl(file, decompressedTar(file, found, tar))) : parseControl(file, memberTar(file, found)));
    });
  } catch (error) {
    // Never leave a cached read unsettled: a later caller would wait on it forever.
    for (const { done } of toRead) done(Promise.reject(error));
  }
  return reads;
}

/** The cache key of a file: its identity on disk (undefined when it cannot be stat'ed: the read then gives its own error). */
async function controlKey(file: string): Promise<string | undefined> {
  const stat = await fs.stat(file, { bigint: true }).catch(() => undefined);
  return stat && `${resolve(file)}\0${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/** A .deb's control member, with its bytes when xz compresses it (to be decompressed with the batch's others). */
async function controlMember(file: string): Promise<{ member: ArMember; xz?: { bytes: Uint8Array; what: string } }> {
  const m = await member(file, "control.tar");
  return m.name.endsWith(".xz") ? { member: m, xz: { bytes: await readMember(file, m), what: `${file}: ${m.name}` } } : { member: m };
}

async function parseControl(file: string, entries: AsyncIterable<{ header: Header; content: Uint8Array | undefined }>): Promise<DebControl> {
  let control: string | undefined;
  let conffiles = "";
  for await (const { header, content } of entries) {
    const path = normaliseDebPath(header.name);
    if (path === "/control" && content) control = new TextDecoder().decode(content);
    if (path === "/conffiles" && content) conffiles = new TextDecoder().decode(content);
  }
  if (control === undefined) throw new DebianError(`${file} has no control file`, { hint: NOT_A_DEB_HINT });
  const [fields] = parseDeb822(control);
  return {
    fields: fields ?? {},
    conffiles: conffiles
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      // dpkg ≥ 1.20 allows flags before the path ("remove-on-upgrade /etc/foo").
      .map((l) => (l.startsWith("/") ? l : l.slice(l.indexOf(" /") + 1))),
  };
}
