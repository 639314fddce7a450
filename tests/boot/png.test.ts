// The screenshot reader against PNGs made here: the boot test's check of
// console text is only as good as the pixels it reads.
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodePng } from "@notos/qemu/png";
import { changedPixels, decodePng, ink } from "../../test-support/png.ts";

/** A PNG of 8-bit RGB rows, each with the given filter byte and already-filtered bytes. */
function filteredPng(width: number, rows: [number, number[]][]): Buffer {
  const plain = encodePng(width, rows.length, new Uint8Array(width * 3 * rows.length));
  const raw = Buffer.concat(rows.map(([filter, bytes]) => Buffer.from([filter, ...bytes])));
  const data = deflateSync(raw);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write("IDAT", 4, "latin1");
  // encodePng's IHDR and IEND around a new IDAT; the reader does not check CRCs, so a zero one will do.
  return Buffer.concat([plain.subarray(0, plain.indexOf("IDAT") - 4), head, data, Buffer.alloc(4), plain.subarray(plain.indexOf("IEND") - 4)]);
}

describe("the PNG reader", () => {
  it("reads back what encodePng wrote", () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3]);
    const image = decodePng(encodePng(2, 2, rgb));
    expect([image.width, image.height]).toEqual([2, 2]);
    expect([...image.pixels]).toEqual([0xff0000, 0x00ff00, 0x0000ff, 0x010203]);
  });

  it("undoes the Sub, Up, Average and Paeth row filters", () => {
    const image = decodePng(
      filteredPng(2, [
        [1, [10, 20, 30, 5, 5, 5]], // Sub: second pixel adds the first
        [2, [1, 1, 1, 2, 2, 2]], // Up: adds the row above
        [3, [2, 2, 2, 0, 0, 0]], // Average of left and above
        [4, [0, 0, 0, 0, 0, 0]], // Paeth: predicts from left, above, upper-left
      ]),
    );
    expect([...image.pixels]).toEqual([0x0a141e, 0x0f1923, 0x0b151f, 0x111b25, 0x070c11, 0x0c131b, 0x070c11, 0x0c131b]);
  });

  it("tells a blank frame from one with text, and counts changes", () => {
    const blank = new Uint8Array(4 * 4 * 3);
    const text = blank.slice();
    text.set([170, 170, 170], 5 * 3);
    text.set([170, 170, 170], 10 * 3);
    expect(ink(decodePng(encodePng(4, 4, blank)))).toEqual({ pixels: 0, rows: 0 });
    expect(ink(decodePng(encodePng(4, 4, text)))).toEqual({ pixels: 2, rows: 2 });
    expect(changedPixels(decodePng(encodePng(4, 4, blank)), decodePng(encodePng(4, 4, text)))).toBe(2);
  });
});
