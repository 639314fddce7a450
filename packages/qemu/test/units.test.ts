// The small pure parts: console stripping, shell framing, PPM → PNG, quoting.
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { shellQuote } from "@notos/core/text";
import { ConsoleLog, stripTerminal } from "../src/console.js";
import { frameCommand, parseFrame } from "../src/framing.js";
import { encodePng, ppmToPng } from "../src/png.js";

describe("stripTerminal / ConsoleLog", () => {
  it("removes \\r, CSI/OSC escapes and SeaBIOS's ESC c", () => {
    expect(stripTerminal("\x1bcSeaBIOS\r")).toBe("SeaBIOS");
    expect(stripTerminal("\x1b[1;32mok\x1b[0m \x1b]0;title\x07done\x1b(B")).toBe("ok done");
  });

  it("joins escapes split across chunks and timestamps complete lines", () => {
    const log = new ConsoleLog(Date.now());
    log.push(Buffer.from("a\x1b[3"));
    log.push(Buffer.from("1mb\r\nc"));
    expect(log.lines.map((l) => l.text)).toEqual(["ab"]);
    expect(log.text()).toBe("ab\nc");
    expect(ConsoleLog.format(log.lines[0]!)).toMatch(/^\[\s+\d+\.\d{3}\] ab\n$/);
  });
});

describe("shell framing", () => {
  it("never contains its marker literally in the request", () => {
    const { marker, request } = frameCommand("echo hi");
    expect(request).not.toContain(marker);
    expect(request.endsWith("\n")).toBe(true);
  });

  it("finds a frame after noise and keeps the exact output", () => {
    const { marker } = frameCommand("x");
    const buf = Buffer.from(`# prompt\nold:B\n${marker}:B\nline1\nno-newline\n${marker}:E 7\nrest`);
    const f = parseFrame(buf, marker)!;
    expect(f.status).toBe(7);
    expect(f.stdout.toString()).toBe("line1\nno-newline");
    expect(buf.subarray(f.end).toString()).toBe("rest");
    expect(parseFrame(Buffer.from(`${marker}:B\npartial`), marker)).toBeUndefined();
  });
});

describe("PNG", () => {
  it("converts a P6 PPM", () => {
    const ppm = Buffer.concat([Buffer.from("P6\n# c\n2 1\n255\n"), Buffer.from([255, 0, 0, 0, 0, 255])]);
    const png = ppmToPng(ppm);
    expect(png.subarray(0, 8)).toEqual(encodePng(1, 1, new Uint8Array(3)).subarray(0, 8));
    expect(png.subarray(12, 16).toString()).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2, 1]);
    const idat = png.indexOf("IDAT");
    const len = png.readUInt32BE(idat - 4);
    expect([...inflateSync(png.subarray(idat + 4, idat + 4 + len))]).toEqual([0, 255, 0, 0, 0, 0, 255]);
  });
});

// Core's rule, as runvm and the test shell's frames rely on it.
describe("shellQuote", () => {
  it("leaves safe words bare and quotes the rest", () => {
    expect(shellQuote("file=/a/b,c")).toBe("file=/a/b,c");
    expect(shellQuote("it's $x")).toBe(`'it'\\''s $x'`);
    expect(shellQuote("")).toBe("''");
  });
});
