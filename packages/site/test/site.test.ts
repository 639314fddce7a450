// The site of a real build, opened in headless Chromium: every page renders
// (a screenshot that is not one colour), logs no error, and every link on it
// resolves to a file of the site (and an anchor on it, where it names one).
// The numbers it shows are the build's: checked against dist/ and the SBOM.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleDist, buildSystem, runCli } from "@notos/cli";
import { createReporter, loadSystem, type LoadedSystem } from "@notos/core";
import { buildSite } from "../src/index.js";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";
import { Chromium, visit, type PageVisit } from "./chromium.js";
import { decodePng } from "../../../test-support/png.js";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const systemFile = join(repo, "packages", "site", "test", "fixtures", "systems", "default", "notos.config.ts");

let dir: string;
let dist: string;
let site: string;
let system: LoadedSystem;
let browser: Chromium;
const visits = new Map<string, PageVisit>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "notos-site-"));
  system = await loadSystem({ file: systemFile });
  const lockFile = join(dir, "notos.lock.json");
  copyFileSync(join(repo, "notos.lock.json"), lockFile);
  const built = await buildSystem({ ...system, dir, lockFile }, { reporter: createReporter({ level: "warn" }) });
  dist = join(dir, "dist");
  await assembleDist(dist, built, system.config);
  site = join(dir, "site");
  // A bench results file as `npm run bench` writes it (only the fields the site reads).
  const bench = join(dir, "latest.json");
  writeFileSync(bench, JSON.stringify({ date: "2026-11-29T00:00:00.000Z", commit: "0123456789abcdef", runs: 3, timeline: [{ name: "kernel runs /init", host: 2.5, guest: 1.25 }, { name: "runit stage 2 starts", host: 6.75 }] }));
  await buildSite({ dist, system, out: site, benchResults: bench });
  browser = await Chromium.launch();
  for (const page of readdirSync(site).filter((f) => f.endsWith(".html")).sort()) visits.set(page, await visit(browser, pathToFileURL(join(site, page)).href));
});

afterAll(async () => {
  await browser?.close();
});

describe("the site in Chromium", () => {
  it("has a page per file of dist/, the options and the boot timeline", () => {
    const pages = [...visits.keys()];
    for (const p of ["index.html", "kernel.html", "initrd.html", "root.squashfs.html", "command-line.html", "runvm.html", "sbom.html", "options.html", "boot.html"]) expect(pages).toContain(p);
  });

  it("renders every page: text, a screenshot that is not blank, no console error", () => {
    const shots = join(dir, "screenshots");
    mkdirSync(shots);
    for (const [page, v] of visits) {
      writeFileSync(join(shots, page.replace(/\.html$/, ".png")), v.screenshot);
      expect(v.errors, page).toEqual([]);
      expect(v.textLength, page).toBeGreaterThan(100);
      const png = decodePng(v.screenshot);
      expect(png.width, page).toBe(1280);
      expect(new Set(png.pixels).size, page).toBeGreaterThan(4);
    }
  });

  it("resolves every link to a file of the site, and every #anchor to an element", () => {
    for (const [page, v] of visits) {
      expect(v.links.length, page).toBeGreaterThan(0);
      for (const href of v.links) {
        const url = new URL(href);
        expect(url.protocol, `${page}: ${href}`).toBe("file:");
        const file = fileURLToPath(url);
        expect(existsSync(file), `${page}: ${href}`).toBe(true);
        if (url.hash) expect(visits.get(file.slice(site.length + 1))?.ids ?? [], `${page}: ${href}`).toContain(decodeURIComponent(url.hash.slice(1)));
      }
    }
  });
});

describe("what the pages say", () => {
  const html = (page: string) => readFileSync(join(site, page), "utf8");

  it("gives each dist/ file's bytes as the file has them", () => {
    for (const name of readdirSync(dist)) expect(html("index.html")).toContain(`${readFileSync(join(dist, name)).byteLength} bytes`);
  });

  it("draws the root's packages as a treemap, one cell per package with bytes in the root", () => {
    const bom = JSON.parse(readFileSync(join(dist, "sbom.cdx.json"), "utf8"));
    const prop = (c: any, n: string) => c.properties?.find((p: any) => p.name === `notos:${n}`)?.value;
    const root = bom.components.filter((c: any) => c.purl && prop(c, "artifact") === "root.squashfs" && Number(prop(c, "root-bytes")) > 0);
    const page = html("root.squashfs.html");
    const cells = page.match(/<g><title>[^<]*<\/title><rect /g) ?? [];
    expect(cells.length).toBeGreaterThanOrEqual(root.length);
    const coreutils = root.find((c: any) => c.name === "coreutils");
    expect(page).toContain(`<title>coreutils: ${prop(coreutils, "root-bytes")} bytes</title>`);
  });

  it("shows the command line, the initrd's members and every option of the schema", () => {
    expect(html("command-line.html")).toContain(readFileSync(join(dist, "command-line"), "utf8").trim().split(/\s+/)[0]);
    expect(html("initrd.html")).toMatch(/<code>\/init<\/code>/);
    const options = html("options.html");
    for (const path of ["system.name", "environment.packages", "boot.initrd.kernelModules"]) expect(options).toContain(`id="${path}"`);
  });

  it("shows the bench's timeline with its numbers, and says so when there is no bench run", async () => {
    expect(html("boot.html")).toContain("6.75 s");
    const bare = join(dir, "site-without-bench");
    await buildSite({ dist, system, out: bare, benchResults: join(dir, "no-such-file.json") });
    expect(readFileSync(join(bare, "boot.html"), "utf8")).toContain("No bench run recorded");
  });

  it("is made by `notos site DIST --out DIR`", async () => {
    let out = "";
    const code = await runCli(["site", dist, "--out", join(dir, "site-cli"), "--system", systemFile], { stdout: (t) => void (out += t), stderr: (t) => void (out += t) });
    expect(code, out).toBe(0);
    expect(readFileSync(join(dir, "site-cli", "index.html"), "utf8")).toBe(html("index.html"));
  });
});

describe("README: from code", () => {
  it("makes the site of a dist/ from a system file", async () => {
    // A directory inside the repository, so the system file's imports resolve as they would in a project.
    const here = join(repo, "packages", "site", "test-results", `readme-${process.pid}`);
    mkdirSync(here, { recursive: true });
    writeFileSync(join(here, "notos.config.ts"), 'export { default } from "../../test/fixtures/systems/default/notos.config.ts";\n');
    symlinkSync(dist, join(here, "dist"));
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const { files } = await runExampleIn(here, exampleUnder(readme, "## From code"));
    expect(files).toEqual(expect.arrayContaining(["index.html", "root.squashfs.html", "options.html", "boot.html", "sbom.cdx.json"]));
    expect(readFileSync(join(here, "site", "root.squashfs.html"), "utf8")).toBe(readFileSync(join(site, "root.squashfs.html"), "utf8"));
    rmSync(here, { recursive: true, force: true });
  });
});
