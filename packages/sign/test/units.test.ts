// The pure parts: OVMF's variable store read from Debian's files (the
// blank one, and the one Debian enrolled Microsoft's keys into with OVMF
// itself — the reader's oracle), written and read back; signature lists;
// the SHA256SUMS text; the signer's refusals. (OVMF enforcing what the
// writer writes is signed.test.ts.)
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildGraph } from "@notos/core/graph";
import { diskImage, esp, iso, uki } from "@notos/disk";
import { guidFrom } from "@notos/disk/gpt";
import { manifestText, parseManifest, ovmfVars, signDist, signUki } from "../src/index.js";
import { signPe } from "../src/authenticode.js";
import { AUTH_VAR_ATTRIBUTES, GUIDS, VAR_ADDED, liveVariables, readSignatureLists, readVarStore, secureBootVariables, writeVarStore, x509SignatureList } from "../src/public/varstore.js";

const BLANK = "/usr/share/OVMF/OVMF_VARS_4M.fd";
const ENROLLED = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd";

describe("OVMF variable store", () => {
  it("reads Debian's enrolled store: PK, KEK and db as X.509 signature lists with time-based authenticated attributes", () => {
    const live = liveVariables(readVarStore(readFileSync(ENROLLED)));
    const pk = live.get(`${GUIDS.global}:PK`)!;
    expect(pk.attributes).toBe(AUTH_VAR_ATTRIBUTES);
    const pkCerts = readSignatureLists(pk.data);
    expect(pkCerts).toHaveLength(1);
    expect(pkCerts[0]!.type).toBe(GUIDS.certX509);
    // The reader hands back whole DER certificates.
    expect(new X509Certificate(Buffer.from(pkCerts[0]!.data)).subject).toBeTruthy();
    expect(readSignatureLists(live.get(`${GUIDS.imageSecurity}:db`)!.data).length).toBeGreaterThan(0);
    expect(live.get(`${GUIDS.global}:KEK`)!.attributes).toBe(AUTH_VAR_ATTRIBUTES);
    expect(Buffer.from(live.get(`${GUIDS.secureBootEnable}:SecureBootEnable`)!.data)).toEqual(Buffer.from([1]));
  });

  it("writes PK, KEK, db and SecureBootEnable into the blank store, leaving the volume header and the size as they were", () => {
    const blank = readFileSync(BLANK);
    expect(readVarStore(blank).variables).toEqual([]);
    const cert = Buffer.from(readSignatureLists(liveVariables(readVarStore(readFileSync(ENROLLED))).get(`${GUIDS.global}:PK`)!.data)[0]!.data);
    const owner = guidFrom("test owner");
    const written = writeVarStore(blank, secureBootVariables(cert, owner));
    expect(written.length).toBe(blank.length);
    const store = readVarStore(blank);
    expect(Buffer.from(written.subarray(0, store.storeOffset + 28)).equals(blank.subarray(0, store.storeOffset + 28))).toBe(true);
    expect(Buffer.from(written.subarray(store.storeOffset + store.storeSize)).equals(blank.subarray(store.storeOffset + store.storeSize))).toBe(true);
    const back = readVarStore(written).variables;
    expect(back.map((v) => [v.name, v.guid, v.attributes, v.state])).toEqual([
      ["PK", GUIDS.global, AUTH_VAR_ATTRIBUTES, VAR_ADDED],
      ["KEK", GUIDS.global, AUTH_VAR_ATTRIBUTES, VAR_ADDED],
      ["db", GUIDS.imageSecurity, AUTH_VAR_ATTRIBUTES, VAR_ADDED],
      ["SecureBootEnable", GUIDS.secureBootEnable, 3, VAR_ADDED],
    ]);
    for (const v of back.slice(0, 3)) expect(readSignatureLists(v.data)).toEqual([{ type: GUIDS.certX509, owner, data: Uint8Array.from(cert) }]);
    // Writing the same variables again gives the same bytes; writing over a used store erases what was there.
    expect(Buffer.from(writeVarStore(written, secureBootVariables(cert, owner))).equals(written)).toBe(true);
    expect(readVarStore(writeVarStore(readFileSync(ENROLLED), [])).variables).toEqual([]);
  });

  it("a signature list is the header, the owner and the certificate", () => {
    const list = Buffer.from(x509SignatureList(Uint8Array.of(1, 2, 3), guidFrom("o")));
    expect(list.length).toBe(28 + 16 + 3);
    expect(list.readUInt32LE(16)).toBe(list.length);
    expect(list.readUInt32LE(24)).toBe(19);
  });

  it("refuses a file that is not a variable store", () => {
    expect(() => readVarStore(new Uint8Array(4096))).toThrow(/not a firmware volume/);
  });
});

describe("SHA256SUMS", () => {
  it("is sha256sum's format, sorted by name, and reads back", () => {
    const a = "a".repeat(64);
    const b = "b".repeat(64);
    const text = manifestText([{ name: "root.squashfs", sha256: a }, { name: "command-line", sha256: b }]);
    expect(text).toBe(`${b}  command-line\n${a}  root.squashfs\n`);
    expect(parseManifest(text)).toEqual([{ name: "command-line", sha256: b }, { name: "root.squashfs", sha256: a }]);
  });
});

describe("the Authenticode signer", () => {
  const signer = { key: "unused: the image is refused first", certificate: new Uint8Array() };
  it("refuses what is not a PE32+ program, saying what it found", () => {
    expect(() => signPe(Buffer.from("#!/bin/sh\n"), signer)).toThrow(expect.objectContaining({ code: "SIGN_PE", message: "Not a PE32+ EFI program: no MZ header." }));
    const pe32 = Buffer.alloc(0x200);
    pe32.write("MZ", 0, "latin1");
    pe32.writeUInt32LE(0x80, 0x3c);
    pe32.write("PE\0\0", 0x80, "latin1");
    pe32.writeUInt16LE(0x10b, 0x80 + 24); // PE32, not PE32+
    expect(() => signPe(pe32, signer)).toThrow(expect.objectContaining({ code: "SIGN_PE", message: "Not a PE32+ EFI program: not PE32+." }));
  });
});

describe("the graph of a system with signModule", () => {
  it("gives the ESP, the image and the ISO the signed UKI (sign-uki fills @notos/disk's UKI slot), and sign-uki disk-uki's", () => {
    const graph = buildGraph([uki, esp, diskImage, iso, signDist, signUki, ovmfVars]);
    for (const b of [esp, diskImage, iso]) expect(graph.inputBuilders(b, "uki").map((x) => x.name), b.name).toEqual(["sign-uki"]);
    expect(graph.dependencies(signUki)).toEqual(["disk-uki"]);
    expect(graph.dependencies(signDist)).toEqual(expect.arrayContaining(["disk-image", "disk-iso", "sign-ovmf-vars"]));
    // Without it, the disks take disk-uki, as before.
    expect(buildGraph([uki, esp, diskImage, iso]).inputBuilders(esp, "uki").map((x) => x.name)).toEqual(["disk-uki"]);
  });
});
