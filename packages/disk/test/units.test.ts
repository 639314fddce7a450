// The pure parts, on data made here: GUIDs (against the on-disk bytes
// xorriso and the UEFI spec give), the GPT writer read back by its reader
// (and a flipped byte caught), sizes, the images' command line, and the
// option schema as `notos options` shows it.
import { describe, expect, it } from "vitest";
import { runCli } from "@notos/cli";
import { evalSystem } from "@notos/core";
import { imageCommandLine, rootSpec } from "../src/cmdline.js";
import { parentDirectories } from "../src/fat.js";
import { diskModule, parseSize } from "../src/index.js";
import { isoDate, isoDiskGuidHex } from "../src/builders.js";
import { crc32, gptLayout, gptStructures, guidFrom, guidFromBytes, guidToBytes, minimumDiskSize, readGpt, ALIGN, LEGACY_BIOS_BOOTABLE, PARTITION_TYPES, SECTOR } from "../src/public/gpt.js";

describe("GUIDs", () => {
  it("are written mixed-endian, as GPT stores them", () => {
    // The EFI system partition type, as xorriso -report_system_area prints its bytes.
    expect(Buffer.from(guidToBytes(PARTITION_TYPES.esp)).toString("hex")).toBe("28732ac11ff8d211ba4b00a0c93ec93b");
    expect(Buffer.from(guidToBytes(PARTITION_TYPES.rootX86_64)).toString("hex")).toBe("e3bc684fcde8b14d96e7fbcaf984b709");
    expect(guidFromBytes(guidToBytes(PARTITION_TYPES.rootX86_64))).toBe(PARTITION_TYPES.rootX86_64);
  });

  it("come from the content: the same parts give the same GUID, other parts another", () => {
    const a = guidFrom("root", new Uint8Array([1, 2, 3]));
    expect(guidFrom("root", new Uint8Array([1, 2, 3]))).toBe(a);
    expect(guidFrom("root", new Uint8Array([1, 2, 4]))).not.toBe(a);
    expect(guidFrom("ro", "ot")).not.toBe(guidFrom("r", "oot"));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("give xorriso the disk GUID whose third partition is the root", () => {
    const root = "c5306dff-9a76-41c1-ba6c-107ccb1c3abf";
    // As a real ISO's GPT showed: disk GUID byte 9 XOR 3 is partition 3's.
    expect(isoDiskGuidHex(root)).toBe("ff6d30c5769ac141ba6f107ccb1c3abf");
  });
});

describe("crc32", () => {
  it("is IEEE 802.3's", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });
});

describe("the GPT writer and reader", () => {
  const parts = [
    { name: "EFI system partition", type: PARTITION_TYPES.esp, guid: guidFrom("esp"), size: 3 * ALIGN + 5, attributes: LEGACY_BIOS_BOOTABLE },
    { name: "notos-root", type: PARTITION_TYPES.rootX86_64, guid: guidFrom("root"), size: 7 * ALIGN },
  ];

  function disk(size?: number) {
    const layout = gptLayout({ partitions: parts, diskGuid: guidFrom("disk"), ...(size ? { diskSize: size } : {}) });
    const { head, tail } = gptStructures(layout, { bootCode: new Uint8Array(440).fill(0x90) });
    const image = new Uint8Array(layout.diskSize);
    image.set(head, 0);
    image.set(tail, layout.diskSize - tail.length);
    return { layout, image, read: (offset: number, length: number) => image.subarray(offset, offset + length) };
  }

  it("lays partitions out on 1 MiB boundaries, in order, and reads them back from both headers", () => {
    const { layout, read } = disk();
    expect(layout.partitions.map((p) => [p.firstLba, p.lastLba])).toEqual([
      [2048, 2048 + 4 * 2048 - 1],
      [2048 + 4 * 2048, 2048 + 11 * 2048 - 1],
    ]);
    expect(layout.diskSize).toBe(minimumDiskSize(parts));
    const primary = readGpt(read);
    const backup = readGpt(read, primary.backupLba);
    expect(primary.backupLba).toBe(layout.diskSize / SECTOR - 1);
    expect(backup.currentLba).toBe(primary.backupLba);
    expect(backup.entries).toEqual(primary.entries);
    expect(primary.diskGuid).toBe(guidFrom("disk"));
    expect(primary.entries).toEqual(
      layout.partitions.map((p) => ({ number: p.number, name: p.name, type: p.type, guid: p.guid, firstLba: p.firstLba, lastLba: p.lastLba, attributes: p.attributes })),
    );
  });

  it("writes the boot code and a protective MBR", () => {
    const { image, layout } = disk();
    expect(image.subarray(0, 440).every((b) => b === 0x90)).toBe(true);
    expect(image[450]).toBe(0xee);
    expect(new DataView(image.buffer).getUint32(458, true)).toBe(layout.diskSize / SECTOR - 1);
    expect([image[510], image[511]]).toEqual([0x55, 0xaa]);
  });

  it("keeps space after the partitions free on a bigger disk, and refuses a smaller one naming the option", () => {
    const { layout, read } = disk(64 * ALIGN);
    expect(layout.diskSize).toBe(64 * ALIGN);
    expect(readGpt(read).entries.at(-1)!.lastLba).toBeLessThan(64 * 2048 - 34);
    expect(() => gptLayout({ partitions: parts, diskGuid: guidFrom("disk"), diskSize: 8 * ALIGN, option: 'disk.size ("8M")' })).toThrow(
      /disk\.size \("8M"\) is 8388608 bytes, but the partitions need at least 13631488 bytes \(13 MiB\)/,
    );
  });

  it("reports a damaged header or entry array", () => {
    const { image, read } = disk();
    image[SECTOR + 60]! ^= 1; // the disk GUID, under the header's checksum
    expect(() => readGpt(read)).toThrow(/header checksum/);
    image[SECTOR + 60]! ^= 1;
    image[2 * SECTOR + 70]! ^= 1; // a partition name, under the entries' checksum
    expect(() => readGpt(read)).toThrow(/entry array checksum/);
    expect(() => readGpt(() => new Uint8Array(SECTOR))).toThrow(/no "EFI PART" signature/);
  });
});

describe("sizes, directories, dates", () => {
  it("parses disk.size values", () => {
    expect(parseSize("auto")).toBeUndefined();
    expect(parseSize("2G")).toBe(2 * 2 ** 30);
    expect(parseSize("512M")).toBe(512 * 2 ** 20);
    expect(parseSize("64MiB")).toBe(64 * 2 ** 20);
    expect(parseSize("1048576")).toBe(2 ** 20);
    expect(() => parseSize("2 G")).toThrow();
  });

  it("makes parent directories outermost first, once", () => {
    expect(parentDirectories(["/EFI/BOOT/BOOTX64.EFI", "/syslinux/linux", "/syslinux/initrd", "/top"])).toEqual(["/EFI", "/syslinux", "/EFI/BOOT"]);
  });

  it("dates the ISO in UTC", () => {
    expect(isoDate(0)).toBe("1970010100000000");
    expect(isoDate(1700000000)).toBe("2023111422132000");
  });
});

describe("the images' command line", () => {
  it("names the root by partition and keeps the system's other parameters", () => {
    expect(imageCommandLine("root=/dev/vda console=ttyS0 panic=1", rootSpec({ rootBy: "partuuid", rootGuid: "x-y", rootLabel: "r" }))).toBe("root=PARTUUID=x-y console=ttyS0 panic=1");
    expect(imageCommandLine(" quiet  root=/dev/sda ", rootSpec({ rootBy: "partlabel", rootGuid: "x", rootLabel: "notos-root" }))).toBe("root=PARTLABEL=notos-root quiet");
  });
});

describe("the disk options", () => {
  it("have defaults: every format, both firmwares, size auto, root by PARTUUID", () => {
    expect(evalSystem({ imports: [diskModule] }).config.disk).toEqual({ formats: ["raw", "qcow2", "iso"], firmware: ["uefi", "bios"], size: "auto", rootLabel: "notos-root", rootBy: "partuuid" });
  });

  it("are listed by `notos options` with types, defaults and descriptions", async () => {
    const out: string[] = [];
    const system = new URL("../../../systems/disk/notos.config.ts", import.meta.url).pathname;
    expect(await runCli(["options", "--system", system], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) })).toBe(0);
    const text = out.join("");
    for (const option of ["disk.formats", "disk.firmware", "disk.size", "disk.rootLabel", "disk.rootBy"]) expect(text).toContain(`${option}\n`);
    expect(text).toMatch(/disk\.size\n  type: string\n  default: "auto"\n  Size of disk\.img and disk\.qcow2/);
  });
});
