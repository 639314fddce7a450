// The sizes read from .xz indexes, with the real xz as the oracle: what
// `xz --decompress` writes is what xzDecompressedSize must say.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { DebianError } from "../src/errors.js";
import { readAtBytes, xzDecompressTogether, xzDecompressedSize } from "../src/xz.js";

function xz(input: Uint8Array, args: string[] = []): Buffer {
  return execFileSync("xz", ["--compress", "--stdout", ...args], { input, maxBuffer: 1 << 26 });
}

/** What the real xz writes for `bytes`, or undefined when it refuses them. */
function unxz(bytes: Uint8Array): Buffer | undefined {
  const run = spawnSync("xz", ["--decompress", "--stdout"], { input: bytes, maxBuffer: 1 << 26 });
  return run.status === 0 ? run.stdout : undefined;
}

const sizeOf = (bytes: Uint8Array) => xzDecompressedSize(readAtBytes(bytes), bytes.length, "test.xz");

// Text that compresses, and bytes that do not.
const text = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i} of a file that compresses\n`).join(""));
const noise = randomBytes(300_000);

describe("xzDecompressedSize", () => {
  const cases: [string, () => Buffer][] = [
    ["one stream, one block", () => xz(text)],
    ["an empty file", () => xz(Buffer.alloc(0))],
    ["many blocks", () => xz(Buffer.concat([text, noise]), ["--block-size=10000"])],
    ["no integrity check", () => xz(text, ["--check=none"])],
    ["SHA-256 check, threads (blocks of their own size)", () => xz(Buffer.concat([noise, text]), ["--check=sha256", "-T2", "--block-size=65536"])],
    ["two streams back to back", () => Buffer.concat([xz(text), xz(noise)])],
    ["streams with stream padding between and after", () => Buffer.concat([xz(text), Buffer.alloc(8), xz(Buffer.from("tail")), Buffer.alloc(4)])],
  ];
  test.each(cases)("%s: the bytes xz writes", async (_, make) => {
    const bytes = make();
    expect(await sizeOf(bytes)).toBe(unxz(bytes)!.length);
  });

  test.each([
    ["empty", Buffer.alloc(0)],
    ["only padding", Buffer.alloc(16)],
    ["not xz", Buffer.from("this is not an xz file at all, just text")],
    ["cut short", xz(text).subarray(0, 100)],
    ["its last byte gone", xz(text).subarray(0, -1)],
    ["padding not in fours", Buffer.concat([xz(text), Buffer.alloc(3)])],
    ["bytes before the stream", Buffer.concat([Buffer.from("junk"), xz(text)])],
  ])("%s: a DebianError", async (_, bytes) => {
    await expect(sizeOf(bytes)).rejects.toThrow(DebianError);
    await expect(sizeOf(bytes)).rejects.toThrow(/test\.xz is not a valid \.xz stream/);
  });

  test("damaged bytes: a DebianError, or, when xz still decodes them, the size it writes", async () => {
    const good = xz(Buffer.concat([text, noise.subarray(0, 5000)]), ["--block-size=20000"]);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    for (let n = 0; n < 300; n++) {
      const bad = Buffer.from(good);
      // Most damage near the end, where the index and footer are.
      for (let k = 0; k <= n % 3; k++) {
        const at = n % 2 ? bad.length - 1 - (random() % 64) : random() % bad.length;
        bad[at] = random() & 0xff;
      }
      const decoded = unxz(bad);
      const size = await sizeOf(bad).catch((error: unknown) => {
        expect(error).toBeInstanceOf(DebianError);
        return undefined;
      });
      if (decoded && size !== undefined) expect(size).toBe(decoded.length);
    }
  });
});

describe("xzDecompressTogether", () => {
  test("each input's own bytes, from one process", async () => {
    const inputs = [text, Buffer.alloc(0), noise, Buffer.from("x")];
    const out = await Promise.all(xzDecompressTogether(inputs.map((bytes, i) => ({ bytes: xz(bytes), what: `input ${i}` }))));
    out.forEach((bytes, i) => expect(bytes.equals(inputs[i]!)).toBe(true));
  });

  test("an input that is not xz, or whose data is damaged, fails alone and names itself", async () => {
    const damaged = xz(noise);
    damaged[damaged.length >> 1]! ^= 0xff;
    const results = await Promise.allSettled(
      xzDecompressTogether([
        { bytes: xz(text), what: "first" },
        { bytes: Buffer.from("not xz"), what: "second" },
        { bytes: damaged, what: "third" },
        { bytes: xz(noise), what: "fourth" },
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((results[0] as PromiseFulfilledResult<Buffer>).value.equals(text)).toBe(true);
    expect((results[3] as PromiseFulfilledResult<Buffer>).value.equals(noise)).toBe(true);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DebianError);
    expect(String((results[1] as PromiseRejectedResult).reason.message)).toMatch(/^second is not a valid \.xz stream/);
    expect(String((results[2] as PromiseRejectedResult).reason.message)).toMatch(/^decompressing third failed: .*xz.*(corrupt|check)/is);
  });
});
