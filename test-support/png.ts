// Reads the pixels of the PNG screenshots tests take — QEMU's screendump
// (and @notos/qemu's PPM fallback) of a VM's screen, Chromium's of a site
// page — so a test can tell a drawn screen from a blank one. Supported: 8-bit
// grey, RGB or RGBA, not interlaced, any of the five row filters.
import { inflateSync } from "node:zlib";

export interface Image {
  width: number;
  height: number;
  /** One 0xRRGGBB number per pixel, row by row. */
  pixels: Uint32Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function decodePng(png: Buffer): Image {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG file");
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  for (let at = 8; at + 8 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      channels = CHANNELS[colour!] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
    } else if (type === "IDAT") {
      data.push(body);
    } else if (type === "IEND") {
      break;
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw new Error("truncated PNG image data");
  const rows = unfilter(raw, width, height, channels);
  const pixels = new Uint32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const p = i * channels;
    // Grey (with or without alpha) repeats its one value; alpha is ignored.
    pixels[i] = channels < 3 ? rows[p]! * 0x010101 : (rows[p]! << 16) | (rows[p + 1]! << 8) | rows[p + 2]!;
  }
  return { width, height, pixels };
}

function unfilter(raw: Buffer, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[row - stride + x - bpp]! : 0;
      let add: number;
      switch (filter) {
        case 0: add = 0; break;
        case 1: add = a; break;
        case 2: add = b; break;
        case 3: add = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
          add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`unknown PNG row filter ${filter}`);
      }
      out[row + x] = (line[x]! + add) & 0xff;
    }
  }
  return out;
}

/** The most common colour, taken as the background. */
export function background(image: Image): number {
  const counts = new Map<number, number>();
  for (const p of image.pixels) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].reduce((best, e) => (e[1] > best[1] ? e : best))[0];
}

/** Pixels not of the background colour, and how many of the image's rows hold one. */
export function ink(image: Image): { pixels: number; rows: number } {
  const bg = background(image);
  let pixels = 0;
  let rows = 0;
  for (let y = 0; y < image.height; y++) {
    let inRow = 0;
    for (let x = 0; x < image.width; x++) if (image.pixels[y * image.width + x] !== bg) inRow++;
    pixels += inRow;
    if (inRow > 0) rows++;
  }
  return { pixels, rows };
}

/** Pixels that differ between two images of the same size. */
export function changedPixels(a: Image, b: Image): number {
  if (a.width !== b.width || a.height !== b.height) return Math.max(a.pixels.length, b.pixels.length);
  let n = 0;
  for (let i = 0; i < a.pixels.length; i++) if (a.pixels[i] !== b.pixels[i]) n++;
  return n;
}
