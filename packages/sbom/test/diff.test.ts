// `notos diff` on two real builds — the default system and the same with
// another /etc/motd — and the pure comparison on a real SBOM with packages
// taken out, changed and put in.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@notos/cli";
import { buildRecord, diffBuilds, formatDiff, readBuild, type BuildRecord } from "../src/public/diff.js";
import { buildInto, defaultSystemFile, repo, type TestBuild } from "./system.js";

let a: TestBuild;
let b: TestBuild;

beforeAll(async () => {
  a = await buildInto(defaultSystemFile);
  b = await buildInto(join(repo, "packages", "sbom", "test", "fixtures", "systems", "motd", "notos.config.ts"));
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

describe("notos diff A B", () => {
  it("names the changed /etc/motd, no package change, and every dist/ file's bytes on both sides", async () => {
    const { code, out } = await cli("diff", a.dist, b.dist);
    expect(code).toBe(0);
    expect(out).toContain("packages: 0 added, 0 removed, 0 upgraded, 0 downgraded");
    expect(out).toMatch(/~ (initrd|root\.squashfs):\S*\/etc\/motd \(18 → 28 bytes/);
    for (const name of ["kernel", "initrd", "root.squashfs", "sbom.cdx.json", "sbom.spdx.json", "runvm", "command-line"]) {
      const from = readFileSync(join(a.dist, name)).byteLength;
      const to = readFileSync(join(b.dist, name)).byteLength;
      expect(out).toContain(`  ${name}: ${from} → ${to} (`);
    }
    const json = JSON.parse((await cli("diff", "--json", a.dist, b.dist)).out);
    expect(json.files.changed.map((c: { key: string }) => c.key.replace(/^[^:]+:/, "")).filter((k: string) => k.endsWith("/etc/motd"))).toHaveLength(1);
    expect(json.packages).toEqual({ added: [], removed: [], changed: [] });
  });

  it("compares a build with itself as no change, and says what to do without an SBOM", async () => {
    const same = JSON.parse((await cli("diff", "--json", a.dist, a.dist)).out);
    expect(same.files).toEqual({ added: [], removed: [], changed: [] });
    expect(same.sizes.packages).toEqual([]);
    const missing = await cli("diff", a.dist, repo);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/has no sbom\.cdx\.json[\s\S]*notos dist --out/);
  });

  it("finds packages added, removed, upgraded and downgraded, with their root bytes", async () => {
    const real = await readBuild(a.dist);
    const bash = real.packages.find((p) => p.name === "bash")!;
    const grep = real.packages.find((p) => p.name === "grep")!;
    const sed = real.packages.find((p) => p.name === "sed")!;
    const edited: BuildRecord = {
      ...real,
      packages: [
        ...real.packages.filter((p) => p !== bash && p !== grep && p !== sed),
        { ...grep, version: `${grep.version}+1`, rootBytes: grep.rootBytes + 100 },
        { ...sed, version: "4.8-1" },
        { name: "htop", version: "3.2.2-2", artifact: "root.squashfs", rootBytes: 300000 },
      ],
    };
    const d = diffBuilds(real, edited);
    expect(d.packages.added.map((p) => p.name)).toEqual(["htop"]);
    expect(d.packages.removed.map((p) => p.name)).toEqual(["bash"]);
    expect(d.packages.changed).toEqual([
      { name: "grep", artifact: "root.squashfs", from: grep.version, to: `${grep.version}+1`, direction: "upgraded" },
      { name: "sed", artifact: "root.squashfs", from: sed.version, to: "4.8-1", direction: "downgraded" },
    ]);
    expect(d.sizes.packages.map((s) => s.name)).toEqual(["bash", "htop", "grep"]);
    expect(formatDiff(d)).toMatch(/packages: 1 added, 1 removed, 1 upgraded, 1 downgraded\n  \+ htop 3\.2\.2-2 \(root\.squashfs\)\n  - bash /);
  });

  it("reads the record from the SBOM alone, whatever else the directory holds", () => {
    const bom = JSON.parse(readFileSync(join(a.dist, "sbom.cdx.json"), "utf8"));
    const record = buildRecord(bom, []);
    expect(record.packages.length).toBe(bom.components.filter((c: { purl?: string }) => c.purl?.startsWith("pkg:deb/")).length);
    expect(record.files.some((f) => f.key === "root.squashfs:/usr/bin/bash" && f.owner === "bash")).toBe(true);
  });
});
