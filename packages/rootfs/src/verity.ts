// The dm-verity hash tree of root.squashfs (`rootfs.verity`): the kernel
// checks every 4096-byte block of the root against it when the block is
// read, and the one hash at its top — the root hash — goes on the signed
// kernel command line, so a changed byte anywhere in the image is an I/O
// error at run time, never served. A pure writer: format 1 (the salt is
// hashed before each block), sha256, 4096-byte data and hash blocks, the
// levels stored top first, no superblock — what `veritysetup format
// --no-superblock` writes, which the tests hold it to. The salt is derived
// from the image (sha256 of its padded bytes), so builds stay reproducible.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";

export const VERITY_BLOCK_SIZE = 4096;
const HASH_SIZE = 32;

/** What stage 1 needs to open the image through dm-verity: data and tree on one device, the tree after the data. */
export interface VerityInfo {
  /** The root hash, hex: the hash of the tree's top block. */
  rootHash: string;
  /** The salt, hex. */
  salt: string;
  /** 4096-byte blocks of data (the squashfs image, zero-padded to a whole block). */
  dataBlocks: number;
  /** The block where the hash tree starts: right after the data. */
  hashStartBlock: number;
  /** 4096-byte blocks of the hash tree. */
  hashBlocks: number;
}

const sha256 = (salt: Uint8Array, block: Uint8Array) => createHash("sha256").update(salt).update(block).digest();

/** The hash tree of `data` (a whole number of 4096-byte blocks, at least one), levels top first, and its root hash. */
export function verityTree(data: Uint8Array, salt: Uint8Array): { tree: Buffer; rootHash: Buffer } {
  if (data.byteLength === 0 || data.byteLength % VERITY_BLOCK_SIZE !== 0) throw new RangeError(`verity data must be a whole, non-zero number of ${VERITY_BLOCK_SIZE}-byte blocks, not ${data.byteLength} bytes`);
  const hashBlocks = (bytes: Uint8Array): Buffer => {
    const count = bytes.byteLength / VERITY_BLOCK_SIZE;
    const out = Buffer.alloc(count * HASH_SIZE);
    for (let i = 0; i < count; i++) sha256(salt, bytes.subarray(i * VERITY_BLOCK_SIZE, (i + 1) * VERITY_BLOCK_SIZE)).copy(out, i * HASH_SIZE);
    return out;
  };
  // Each level hashes the one below, until a level is one block: the root hash is that block's hash
  // (a one-block image has no tree at all). 128 hashes fill a block exactly; a level's last block is zero-padded.
  const levels: Buffer[] = [];
  let current: Uint8Array = data;
  while (current.byteLength > VERITY_BLOCK_SIZE) {
    const hashes = hashBlocks(current);
    const level = Buffer.alloc(Math.ceil(hashes.byteLength / VERITY_BLOCK_SIZE) * VERITY_BLOCK_SIZE);
    hashes.copy(level);
    levels.push(level);
    current = level;
  }
  return { tree: Buffer.concat(levels.reverse()), rootHash: sha256(salt, current) };
}

/** The zero bytes that bring `length` to a whole number of 4096-byte blocks. */
export function blockPadding(length: number): number {
  return (VERITY_BLOCK_SIZE - (length % VERITY_BLOCK_SIZE)) % VERITY_BLOCK_SIZE;
}

/** Pads the image at `file` to whole blocks and appends its hash tree; the salt is sha256 of the padded image. */
export async function appendVerityTree(file: string): Promise<VerityInfo> {
  const image = await fs.readFile(file);
  const data = Buffer.concat([image, Buffer.alloc(blockPadding(image.byteLength))]);
  const salt = createHash("sha256").update(data).digest();
  const { tree, rootHash } = verityTree(data, salt);
  await fs.appendFile(file, Buffer.concat([data.subarray(image.byteLength), tree]));
  const dataBlocks = data.byteLength / VERITY_BLOCK_SIZE;
  return { rootHash: rootHash.toString("hex"), salt: salt.toString("hex"), dataBlocks, hashStartBlock: dataBlocks, hashBlocks: tree.byteLength / VERITY_BLOCK_SIZE };
}

/** The kernel parameter that carries it: `notos.verity=<dataBlocks>,<hashStartBlock>,<rootHash>,<salt>` (stage 1 reads it). */
export function verityKernelParam(info: Pick<VerityInfo, "dataBlocks" | "hashStartBlock" | "rootHash" | "salt">): string {
  return `notos.verity=${info.dataBlocks},${info.hashStartBlock},${info.rootHash},${info.salt}`;
}
