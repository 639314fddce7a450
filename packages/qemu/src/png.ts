// PPM (P6) → PNG, for QEMUs whose screendump cannot write PNG itself.
import { deflateSync } from "node:zlib";
import { QemuError } from "./errors.js";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encode 8-bit RGB pixels as a PNG. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())]);
}

/** Convert a binary PPM (P6, maxval 255) to PNG. */
export function ppmToPng(ppm: Buffer): Buffer {
  // Header: "P6" whitespace width whitespace height whitespace maxval, one whitespace byte, pixels.
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (i < ppm.length && /\s/.test(String.fromCharCode(ppm[i]!))) i++;
    if (ppm[i] === 0x23) {
      while (i < ppm.length && ppm[i] !== 0x0a) i++;
      continue;
    }
    const start = i;
    while (i < ppm.length && !/\s/.test(String.fromCharCode(ppm[i]!))) i++;
    fields.push(ppm.subarray(start, i).toString("latin1"));
  }
  const [magic, w, h, max] = fields;
  if (magic !== "P6" || max !== "255") throw new QemuError(`unsupported PPM (${magic}, maxval ${max})`, { code: "QEMU_SCREENSHOT", hint: "give a binary PPM (P6) with maxval 255, as QEMU's screendump writes" });
  const width = Number(w);
  const height = Number(h);
  const pixels = ppm.subarray(i + 1, i + 1 + width * height * 3);
  if (pixels.length !== width * height * 3) throw new QemuError("truncated PPM screendump", { code: "QEMU_SCREENSHOT", hint: "QEMU stopped while writing it; take the screenshot again" });
  return encodePng(width, height, pixels);
}
