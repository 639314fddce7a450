// The README's system, evaluated as written: the default system's modules
// with sbomModule, built (from the store the other tests fill) into a dist/
// that holds the two SBOMs, and a root layer holding /var/lib/dpkg/status.
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assembleDist, buildSystem } from "@notos/cli";
import { createReporter, systemOf, type Module } from "@notos/core";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";
import { repo } from "./system.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README: add it to a system", () => {
  it("builds a dist/ with sbom.spdx.json and sbom.cdx.json, and the dpkg status layer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notos-sbom-readme-"));
    const exported = await runExampleIn(dir, exampleUnder(readme, "## Add it to a system"));
    const lockFile = join(dir, "notos.lock.json");
    copyFileSync(join(repo, "notos.lock.json"), lockFile);
    const system = systemOf(exported.default as Module, { file: join(repo, "notos.config.ts"), lockFile });
    const built = await buildSystem(system, { reporter: createReporter({ level: "warn" }) });
    const files = await assembleDist(join(dir, "dist"), built, system.config);
    expect([...files.keys()]).toEqual(expect.arrayContaining(["sbom.spdx.json", "sbom.cdx.json", "kernel", "initrd", "root.squashfs"]));
    expect(JSON.parse(readFileSync(join(dir, "dist", "sbom.spdx.json"), "utf8")).spdxVersion).toBe("SPDX-2.3");
    expect(existsSync(join(built.artifacts.get("dpkg-status")!.path, "layer.json"))).toBe(true);
  });
});
