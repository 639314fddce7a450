// Every parser of data from outside — deb822, Packages, the InRelease
// payload, package relations, versions, apt sources, the lock file, ar and
// the tar inside a .deb — given random and mutated input, returns a result
// or throws a NotosError with a message and a hint: never a TypeError, a
// RangeError, a hang or an allocation the input's size does not justify.
// fast-check generates the inputs from a fixed seed, so a failure reproduces;
// NOTOS_FUZZ_SEED and NOTOS_FUZZ_RUNS (a multiplier) explore further.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NotosError } from "@notos/core";
import { listArMembers } from "../src/ar.js";
import { readDebControl, readDebData } from "../src/deb.js";
import { parseDeb822 } from "../src/deb822.js";
import { LOCKFILE_VERSION, lockedSet, parseLock, serializeLock } from "../src/lockfile.js";
import { parsePackages } from "../src/records.js";
import { parseRelations } from "../src/relations.js";
import { parseRelease } from "../src/release.js";
import { parseDeb822Sources, parseOneLineSources } from "../src/sources.js";
import { compareVersions } from "../src/version.js";
import { fuzzing, mutated, outcome } from "../../../test-support/fuzz.js";

const { check } = fuzzing("debian");

const text = new TextEncoder();
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

/** Text inputs: random strings, random deb822-looking lines, and mutations of a real example. */
function textInputs(example: string): fc.Arbitrary<string> {
  const line = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom("Package", "Version", "SHA256", "Size", "Filename", "Depends", "Suite", "Types", "URIs", "__proto__", "constructor", ""), fc.string()).map(([k, v]) => `${k}: ${v}`),
    fc.string().map((s) => ` ${s}`),
    fc.constant(""),
  );
  return fc.oneof(
    fc.string({ unit: "binary", maxLength: 400 }),
    fc.array(line, { maxLength: 30 }).map((lines) => lines.join("\n")),
    mutated(text.encode(example)).map(latin1),
  );
}

const PACKAGES = `Package: bash
Version: 5.2.15-2+b7
Architecture: amd64
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Recommends: bash-completion (>= 20060301-0)
Essential: yes
Priority: required
Filename: pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb
Size: 1491664
SHA256: 1b7d2ba2a8c5c5e3ad3bb1e1a1ac2bb0b1c0f3b3c1b5a1e2d9a9f3f6c6a9b1e2
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter.
 .
 It is intended to conform to the IEEE POSIX P1003.2/ISO 9945.2.

Package: dash
Version: 0.5.12-2
Architecture: amd64
Provides: sh
Filename: pool/main/d/dash/dash_0.5.12-2_amd64.deb
Size: 97408
SHA256: 0d1f3c2b7b3c2f1e0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f
`;

const RELEASE = `Origin: Debian
Label: Debian
Suite: stable
Version: 12.8
Codename: bookworm
Date: Sat, 09 Nov 2024 10:26:44 UTC
Acquire-By-Hash: yes
Architectures: all amd64 arm64
Components: main contrib non-free-firmware non-free
SHA256:
 0e1b1ad1b5e6f7a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182930   1484322 contrib/Contents-all
 9a2c5e4b8c1d0f3e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f      8837 main/binary-amd64/Packages.xz
`;

const SOURCES = `# the host's apt sources
Types: deb deb-src
URIs: http://archive.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.invalid/debian-security
Suites: bookworm-security
Components: main
Enabled: no
`;

const LOCK = serializeLock({
  lockfileVersion: LOCKFILE_VERSION,
  debian: { architecture: "amd64", suites: ["bookworm"], components: ["main"] },
  sets: {
    rootfs: {
      definition: { roots: ["bash"], dependencies: "all", recommends: false, essential: false },
      packages: [{ name: "bash", version: "5.2.15-2+b7", architecture: "amd64", suite: "bookworm", filename: "pool/main/b/bash/bash.deb", size: 1491664, sha256: "a".repeat(64) }],
    },
  },
});

describe("deb822 and the formats on it", () => {
  it("deb822: paragraphs of string fields, or DEB822_SYNTAX", async () => {
    await check("deb822", 2000, textInputs(PACKAGES), async (input) => {
      const result = await outcome(() => parseDeb822(input, { comments: true }));
      if (result instanceof NotosError) return expect(result.code).toBe("DEB822_SYNTAX");
      for (const paragraph of result) for (const value of Object.values(paragraph)) expect(typeof value).toBe("string");
    });
  });

  it("deb822: what it writes back, it reads back (generated well-formed paragraphs)", async () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/);
    const value = fc.stringMatching(/^[!-~][ -~]{0,30}$/).map((s) => s.trim()).filter((s) => s !== "");
    const paragraph = fc.dictionary(name, value, { minKeys: 1, maxKeys: 6 });
    await check("deb822 round trip", 500, fc.array(paragraph, { minLength: 1, maxLength: 4 }), (paragraphs) => {
      const written = paragraphs.map((p) => Object.entries(p).map(([k, v]) => `${k}: ${v}\n`).join("")).join("\n");
      expect(parseDeb822(written).map((p) => ({ ...p }))).toEqual(paragraphs.map((p) => ({ ...p })));
    });
  });

  it("Packages: records whose sizes are whole numbers, or a DebianError", async () => {
    await check("Packages", 2000, textInputs(PACKAGES), async (input) => {
      const result = await outcome(() => parsePackages(input, "bookworm"));
      if (result instanceof NotosError) return;
      for (const r of result) {
        for (const key of ["package", "version", "architecture", "filename", "sha256"] as const) expect(typeof r[key]).toBe("string");
        expect(Number.isSafeInteger(r.size) && r.size >= 0, `size ${r.size}`).toBe(true);
        // What the resolver does next with a record must not throw anything but a DebianError.
        await outcome(() => [parseRelations(r.depends), parseRelations(r.preDepends), parseRelations(r.provides)]);
      }
    });
  });

  it("the InRelease payload: hashes of 64 hex digits and whole sizes, or a DebianError", async () => {
    await check("Release", 2000, textInputs(RELEASE), async (input) => {
      const result = await outcome(() => parseRelease(input));
      if (result instanceof NotosError) return;
      for (const [path, hash] of result.files) {
        expect(path).not.toBe("");
        expect(hash.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(Number.isSafeInteger(hash.size) && hash.size >= 0, `size ${hash.size}`).toBe(true);
      }
    });
  });

  it("package relations: groups of named relations, or DEBIAN_RELATION", async () => {
    const relation = fc.oneof(fc.string(), fc.stringMatching(/^[a-z0-9+.-]{1,10}( \((<<|<=|=|>=|>>) [0-9a-z.:~+-]{1,8}\))?( \| [a-z]{1,5})?$/));
    await check("relations", 2000, fc.array(relation, { maxLength: 6 }).map((r) => r.join(", ")), async (input) => {
      const result = await outcome(() => parseRelations(input));
      if (result instanceof NotosError) return expect(result.code).toBe("DEBIAN_RELATION");
      for (const group of result) for (const r of group) expect(r.name).toMatch(/^[a-z0-9][a-z0-9+.-]*$/);
    });
  });

  it("versions: any two strings compare, antisymmetrically", async () => {
    const version = fc.oneof(fc.string(), fc.stringMatching(/^([0-9]{1,3}:)?[0-9][0-9a-z.+~]{0,8}(-[0-9a-z.+~]{1,5})?$/));
    await check("versions", 3000, fc.tuple(version, version), ([a, b]) => {
      const ab = compareVersions(a, b);
      expect(Number.isFinite(ab)).toBe(true);
      expect(Math.sign(ab)).toBe(-Math.sign(compareVersions(b, a)) || 0);
      expect(compareVersions(a, a)).toBe(0);
    });
  });

  it("apt sources, deb822 and one-line: sources with word lists, or a DebianError", async () => {
    await check("apt sources", 1500, textInputs(SOURCES), async (input) => {
      for (const parse of [parseDeb822Sources, parseOneLineSources]) {
        const result = await outcome(() => parse(input));
        if (result instanceof NotosError) continue;
        for (const s of result) for (const list of [s.types, s.uris, s.suites, s.components]) expect(list.every((w) => typeof w === "string" && w !== "")).toBe(true);
      }
    });
  });
});

describe("the lock file", () => {
  const json = fc.oneof(
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify({ lockfileVersion: LOCKFILE_VERSION, debian: v, sets: v })),
    fc.jsonValue().map((v) => JSON.stringify({ lockfileVersion: LOCKFILE_VERSION, debian: { architecture: "amd64", suites: ["bookworm"], components: ["main"] }, sets: { rootfs: v } })),
  );
  it("parses to a lock every reader can use, or says what to do", async () => {
    const set = { name: "rootfs", roots: ["bash"], dependencies: "all" as const };
    const debian = { architecture: "amd64", suites: ["bookworm"], components: ["main"] };
    await check("lock file", 2000, fc.oneof(json, textInputs(LOCK)), async (input) => {
      const result = await outcome(() => parseLock(input));
      if (result instanceof NotosError) return expect(result.hint).toBeTruthy();
      // What the builders do with a lock next: look a set up, write it back.
      const packages = lockedSet(result, set, debian);
      if (packages) for (const p of packages) expect(typeof p.sha256).toBe("string");
      expect(parseLock(serializeLock(result))).toEqual(JSON.parse(serializeLock(result)));
    });
  });
});

describe("ar and the tar inside a .deb", () => {
  const work = mkdtempSync(join(tmpdir(), "notos-deb-fuzz-"));
  const root = join(work, "tree");
  mkdirSync(join(root, "DEBIAN"), { recursive: true });
  mkdirSync(join(root, "usr", "bin"), { recursive: true });
  writeFileSync(join(root, "DEBIAN", "control"), "Package: fuzz\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: Nobody <nobody@example.invalid>\nDescription: fuzz seed\n");
  writeFileSync(join(root, "usr", "bin", "tool"), "#!/bin/sh\necho fuzz\n".repeat(20));
  writeFileSync(join(root, "usr", "bin", "other"), "data ".repeat(100));
  const debs = Object.fromEntries(
    (["gzip", "none", "xz"] as const).map((z) => {
      const out = join(work, `seed-${z}.deb`);
      execFileSync("dpkg-deb", ["--root-owner-group", `-Z${z}`, "--build", root, out], { stdio: "pipe" });
      return [z, readFileSync(out)];
    }),
  );
  let n = 0;
  const asFile = (bytes: Uint8Array) => {
    const file = join(work, `case-${n++}.deb`);
    writeFileSync(file, bytes);
    return file;
  };

  it("ar: members inside the file, or a DebianError", async () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from("!<arch>\n"), b])), mutated(debs["none"]!));
    await check("ar", 600, bytes, async (input) => {
      const size = input.length;
      const result = await outcome(() => listArMembers(asFile(input)));
      if (result instanceof NotosError) return;
      for (const m of result) expect(m.offset + m.size).toBeLessThanOrEqual(size);
    });
  });

  it("data.tar and control.tar (gzip, uncompressed): entries or a DebianError, never a hang", async () => {
    await check(".deb (gzip, none)", 400, fc.oneof(mutated(debs["gzip"]!), mutated(debs["none"]!)), async (input) => {
      const file = asFile(input);
      await outcome(async () => {
        const entries = [];
        for await (const entry of readDebData(file)) entries.push(entry);
        for (const e of entries) expect(e.path.startsWith("/")).toBe(true);
        return entries;
      });
      await outcome(() => readDebControl(file));
    });
  }, 240_000);

  it("data.tar.xz through the xz process: entries or a DebianError, and the process ends", async () => {
    await check(".deb (xz)", 40, mutated(debs["xz"]!), async (input) => {
      const file = asFile(input);
      await outcome(async () => {
        let count = 0;
        for await (const _ of readDebData(file)) count++;
        return count;
      });
    });
  }, 240_000);
});
