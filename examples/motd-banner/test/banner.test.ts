// The example as its users meet it: no file of notos names it, and a system
// that imports it gets its option, its layer in the root and its file
// in dist/ — built by the same `notos` build as every other system.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { assembleDist, buildSystem, runCli } from "@notos/cli";
import { ConfigError, createReporter, evalSystem, loadSystem } from "@notos/core";
import { motdBanner } from "../src/index.js";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const systemFile = join(repo, "systems", "banner", "notos.config.ts");

describe("notos-motd-banner", () => {
  it("is named by no file of notos's own packages", () => {
    // git grep exits 1 when nothing matches: that is the answer wanted.
    const r = spawnSync("git", ["grep", "-l", "-i", "-e", "motd-banner", "-e", "motdBanner", "--", "packages/"], { cwd: repo, encoding: "utf8" });
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });

  it("declares banner.text with a default and a description, and checks it", async () => {
    const out: string[] = [];
    expect(await runCli(["options", "--system", systemFile], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) })).toBe(0);
    expect(out.join("")).toMatch(/banner\.text\n  type: string\n  default: "Welcome to notos\."\n  The banner shown in \/etc\/banner and dist\/banner\.txt\./);
    expect(() => evalSystem({ imports: [motdBanner], banner: { text: "" } })).toThrow(ConfigError);
    expect(() => evalSystem({ imports: [motdBanner], banner: { txt: "x" } } as never)).toThrow(/banner\.txt: unknown option; did you mean "text"\?/);
  });

  it("puts /etc/banner into the root's layers and banner.txt into dist/", async () => {
    const system = await loadSystem({ file: systemFile });
    // Build against a copy of the committed lock: a test never rewrites it.
    const dir = mkdtempSync(join(tmpdir(), "notos-banner-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const lockFile = join(dir, "notos.lock.json");
    if (existsSync(system.lockFile)) copyFileSync(system.lockFile, lockFile);
    const built = await buildSystem({ ...system, dir, lockFile }, { reporter: createReporter({ level: "warn" }) });
    const dist = join(dir, "dist");
    const files = await assembleDist(dist, built, system.config);
    expect([...files.keys()].sort()).toEqual(["banner.txt", "command-line", "initrd", "kernel", "root.squashfs", "runvm", "sbom.cdx.json", "sbom.spdx.json"]);
    expect(readFileSync(join(dist, "banner.txt"), "utf8")).toBe("notos, with a banner from outside\n");
    // Layers ride in the initrd (the root-layers archive), above the package image: never in root.squashfs.
    expect(spawnSync("unsquashfs", ["-cat", join(dist, "root.squashfs"), "etc/banner"]).status).not.toBe(0);
    const layers = gunzipSync(readFileSync(join(built.artifacts.get("root-layers")!.path, "root-layers.cpio.gz")));
    const inRoot = execFileSync("cpio", ["-i", "--quiet", "--to-stdout", "root-layers/etc/banner"], { input: layers, encoding: "utf8" });
    expect(inRoot).toBe("notos, with a banner from outside\n");
  });
});
