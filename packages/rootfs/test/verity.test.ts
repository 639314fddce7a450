// The dm-verity writer against veritysetup (cryptsetup), the reference:
// byte-equal trees and root hashes for images of one level and of two, and
// `veritysetup verify` accepting an image with the tree appended as the
// builder writes it — and refusing it once a byte of the data or of the tree
// is flipped, or with another root hash.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendVerityTree, verityKernelParam, verityTree, VERITY_BLOCK_SIZE } from "../src/verity.js";

const dir = mkdtempSync(join(tmpdir(), "notos-verity-"));
const veritysetup = (...args: string[]) => spawnSync("veritysetup", args, { encoding: "utf8" });

describe("the dm-verity hash tree", () => {
  it.each([1, 127, 128, 129, 300, 128 * 3 + 5])("is veritysetup's for %i data blocks", (blocks) => {
    const data = randomBytes(blocks * VERITY_BLOCK_SIZE);
    const salt = randomBytes(32);
    const dataFile = join(dir, `data-${blocks}`);
    const hashFile = join(dir, `hash-${blocks}`);
    writeFileSync(dataFile, data);
    const r = veritysetup("format", "--no-superblock", `--salt=${salt.toString("hex")}`, "--data-block-size=4096", "--hash-block-size=4096", "--hash=sha256", dataFile, hashFile);
    expect(r.status, r.stderr).toBe(0);
    const { tree, rootHash } = verityTree(data, salt);
    expect(r.stdout).toMatch(new RegExp(`^Root hash:\\s+${rootHash.toString("hex")}$`, "m"));
    expect(Buffer.compare(tree, readFileSync(hashFile))).toBe(0);
  });

  it("appended to an image, verifies; a flipped byte in the data or the tree, or another root hash, does not", async () => {
    const image = join(dir, "image");
    // Not a whole number of blocks: the writer pads the data first.
    const content = randomBytes(200 * VERITY_BLOCK_SIZE + 1234);
    writeFileSync(image, content);
    const info = await appendVerityTree(image);
    expect(info.dataBlocks).toBe(201);
    expect(info.hashStartBlock).toBe(201);
    expect(readFileSync(image).byteLength).toBe((info.dataBlocks + info.hashBlocks) * VERITY_BLOCK_SIZE);
    expect(Buffer.compare(readFileSync(image).subarray(0, content.byteLength), content)).toBe(0);
    expect(verityKernelParam(info)).toBe(`notos.verity=201,201,${info.rootHash},${info.salt}`);
    const verify = (file: string, rootHash = info.rootHash) =>
      veritysetup("verify", "--no-superblock", `--salt=${info.salt}`, `--hash-offset=${info.hashStartBlock * VERITY_BLOCK_SIZE}`, `--data-blocks=${info.dataBlocks}`, "--hash=sha256", file, file, rootHash);
    expect(verify(image).status, verify(image).stderr).toBe(0);
    const flipped = (at: number) => {
      const bytes = readFileSync(image);
      bytes[at]! ^= 0x01;
      const file = join(dir, `flipped-${at}`);
      writeFileSync(file, bytes);
      return file;
    };
    const inData = verify(flipped(100 * VERITY_BLOCK_SIZE + 17));
    expect(inData.status).not.toBe(0);
    expect(inData.stderr).toMatch(/corrupted|Verification failed/i);
    expect(verify(flipped(info.hashStartBlock * VERITY_BLOCK_SIZE + VERITY_BLOCK_SIZE + 5)).status).not.toBe(0);
    expect(verify(flipped(info.hashStartBlock * VERITY_BLOCK_SIZE + 3)).status).not.toBe(0);
    expect(verify(image, "0".repeat(64)).status).not.toBe(0);
    // The salt is the padded image's digest: the same image, the same tree.
    writeFileSync(image, content);
    expect(await appendVerityTree(image)).toEqual(info);
  });
});
