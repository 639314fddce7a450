// A real root from the real Debian archive: the package set of the default
// system plus two small hand-made layers, checked with unsquashfs.
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildContext, LayerArtifact } from "@notos/core";
import { Store, storeKey } from "@notos/core/store";
import { writeLayer, type Layer } from "@notos/core/tree";
import { silentReporter } from "@notos/core/progress";
import { optionSlice } from "@notos/core/graph";
import { fetchPackages } from "@notos/debian";
import { assembleRoot, debSources } from "../src/assemble.js";
import { DEFAULT_COMPRESSION_LEVEL, rootfs, writeRootfsOutputs, type RootfsArtifact } from "../src/build.js";
import { buildRootfs, type BuiltRoot } from "../src/module.js";
import type { RootManifestEntry, SizeReport } from "../src/manifest.js";
import { writeSquashfs } from "../src/squashfs.js";
import { dir, file } from "./helpers.js";
import { testConfig, type TestOptions } from "./system.js";
import { describe as show, listImage, listRoot, type Listed } from "./unsquashfs.js";

const PACKAGES = ["bash", "coreutils", "runit", "openssh-server", "nginx-light", "iproute2", "procps"];
const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

const etcLayer: Layer = {
  name: "test-etc",
  entries: [
    dir("/etc"),
    file("/etc/shadow", "root:*:19000:0:99999:7:::\n", 0o640, 0, 42),
    dir("/etc/nginx"),
    file("/etc/nginx/nginx.conf", "events {}\nhttp { server { listen 80; } }\n"),
  ],
};
const runitLayer: Layer = {
  name: "test-runit",
  entries: [dir("/etc/sv"), dir("/etc/sv/sshd"), file("/etc/sv/sshd/run", "#!/bin/sh\nexec /usr/sbin/sshd -D -e\n", 0o755)],
};

async function layerArtifact(store: Store, layer: Layer): Promise<LayerArtifact> {
  const entry = await store.realise("layer-" + layer.name, storeKey({ builder: "test-layer", version: "1", config: layer.name }), (d) => writeLayer(d, layer).then(() => ({})));
  return { builder: "test-layer", path: entry.path, digest: entry.digest, cached: entry.cached, layerName: layer.name };
}

function context(work: string, store: string, options: TestOptions = {}): BuildContext {
  const config = testConfig({ ...options, environment: { packages: PACKAGES, ...options.environment } });
  return { config, store: new Store(join(work, store)), lockFile: join(work, "notos.lock.json"), reporter: silentReporter };
}

let work: string;
let ctx: BuildContext;
let layers: LayerArtifact[];
let built: BuiltRoot;
let artifact: RootfsArtifact;
/** The root as it runs: the image under the layers' archive. */
let listed: Map<string, Listed>;
/** root.squashfs alone. */
let image: Map<string, Listed>;
let coldMs: number;

beforeAll(async () => {
  work = await fs.mkdtemp(join(tmpdir(), "rootfs-real-"));
  await fs.chmod(work, 0o755);
  ctx = context(work, "store");
  layers = [await layerArtifact(ctx.store, etcLayer), await layerArtifact(ctx.store, runitLayer)];
  const start = performance.now();
  built = await buildRootfs(ctx, { layers });
  artifact = built.rootfs;
  coldMs = performance.now() - start;
  image = await listImage(artifact.image);
  listed = await listRoot(artifact.image, built.layers.archive);
}, 900_000);

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("a real root from the Debian archive", () => {
  it("has the merged-/usr layout with a working loader link and /bin/sh", () => {
    expect(show(listed.get("/bin"))).toBe("lrwxrwxrwx 0/0 -> usr/bin");
    expect(show(listed.get("/sbin"))).toBe("lrwxrwxrwx 0/0 -> usr/sbin");
    expect(show(listed.get("/lib"))).toBe("lrwxrwxrwx 0/0 -> usr/lib");
    expect(show(listed.get("/lib64"))).toBe("lrwxrwxrwx 0/0 -> usr/lib64");
    expect(listed.get("/usr/lib64/ld-linux-x86-64.so.2")?.target).toBe("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    expect(listed.get("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")?.perms).toMatch(/^-rwx/);
    // dash is Essential in Debian but nothing in this closure depends on it: sh falls back to bash.
    const sh = listed.has("/usr/bin/dash") ? "dash" : "bash";
    expect(listed.get("/usr/bin/sh")?.target).toBe(sh);
    expect(listed.get("/usr/bin/bash")?.perms).toBe("-rwxr-xr-x");
    expect(listed.get("/usr/sbin/runit")?.perms).toBe("-rwxr-xr-x");
    // Nothing stays at the unmerged paths: they are links, so no entry lies below them.
    expect([...listed.keys()].filter((p) => /^\/(bin|sbin|lib|lib64)\//.test(p))).toEqual([]);
    // Every absolute symlink in the image points at something that exists (following the root links).
    const resolve = (path: string): string => path.replace(/^\/(bin|sbin|lib|lib64)(?=\/|$)/, "/usr/$1");
    const dangling = [...listed.values()].filter((e) => e.target?.startsWith("/") && !listed.has(resolve(e.target)) && !e.target.startsWith("/run") && !e.target.startsWith("/proc") && !e.target.startsWith("/dev"));
    expect(dangling.map((e) => `${e.path} -> ${e.target}`)).toEqual([]);
  });

  it("keeps owners, modes and setuid bits, and the layers' files", () => {
    expect(show(listed.get("/"))).toBe("drwxr-xr-x 0/0");
    expect(show(listed.get("/etc/shadow"))).toBe("-rw-r----- 0/42");
    expect(show(listed.get("/etc/sv/sshd/run"))).toBe("-rwxr-xr-x 0/0");
    expect(show(listed.get("/usr/lib/openssh/ssh-keysign"))).toBe("-rwsr-xr-x 0/0");
    expect(show(listed.get("/usr/bin/passwd"))).toBe("-rwsr-xr-x 0/0");
    expect(show(listed.get("/tmp"))).toBe("drwxrwxrwt 0/0");
    expect(show(listed.get("/var/tmp"))).toBe("drwxrwxrwt 0/0");
    expect(show(listed.get("/root"))).toBe("drwx------ 0/0");
    for (const d of ["/dev", "/proc", "/sys", "/run", "/mnt", "/home", "/srv", "/var/log", "/var/lib", "/var/cache"]) expect(listed.get(d)?.perms, d).toMatch(/^d/);
  });

  it("leaves out documentation except copyright files, and has no ssh host private key", () => {
    const docs = [...listed.keys()].filter((p) => p.startsWith("/usr/share/doc/"));
    expect(docs.filter((p) => !/^\/usr\/share\/doc\/[^/]+(\/copyright)?$/.test(p))).toEqual([]);
    expect(docs.filter((p) => p.endsWith("/copyright")).length).toBeGreaterThan(40);
    expect([...listed.keys()].filter((p) => p.startsWith("/usr/share/man/") || p.startsWith("/usr/share/locale/"))).toEqual([]);
    expect([...listed.keys()].filter((p) => /^\/etc\/ssh\/ssh_host_.*_key$/.test(p))).toEqual([]);
  });

  it("writes a manifest that matches the image entry by entry, and a size report", async () => {
    const packageManifest = JSON.parse(await fs.readFile(artifact.manifest, "utf8")) as RootManifestEntry[];
    const rootManifest = JSON.parse(await fs.readFile(built.layers.manifest, "utf8")) as RootManifestEntry[];
    expect(packageManifest.length + 1).toBe(image.size);
    expect(rootManifest.length + 1).toBe(listed.size);
    const typeChar: Record<string, string> = { file: "-", dir: "d", symlink: "l", char: "c", block: "b", fifo: "p" };
    for (const [manifest, seenIn] of [[packageManifest, image], [rootManifest, listed]] as const) {
      for (const entry of manifest) {
        const seen = seenIn.get(entry.path);
        expect(seen?.perms[0], entry.path).toBe(typeChar[entry.type]);
        expect(seen?.owner, entry.path).toBe(`${entry.uid}/${entry.gid}`);
        if (entry.type === "file") expect(seen?.size, entry.path).toBe(String(entry.size));
        if (entry.type === "symlink") expect(seen?.target, entry.path).toBe(entry.target);
      }
    }
    expect(rootManifest.find((e) => e.path === "/etc/nginx/nginx.conf")).toMatchObject({ origin: "layer:test-etc", overrides: "nginx-common" });
    expect(packageManifest.find((e) => e.path === "/etc/nginx/nginx.conf")).toMatchObject({ origin: "nginx-common" });
    expect(rootManifest.find((e) => e.path === "/usr/bin/bash")).toMatchObject({ origin: "bash", mode: "0755", uid: 0 });
    expect(packageManifest.find((e) => e.path === "/usr/bin/bash")?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const sizes = JSON.parse(await fs.readFile(artifact.sizeReport, "utf8")) as SizeReport;
    expect(sizes.image).toEqual({ compression: ctx.config.rootfs.compression, bytes: artifact.size });
    expect(sizes.origins.map((o) => o.bytes)).toEqual([...sizes.origins.map((o) => o.bytes)].sort((a, b) => b - a));
    expect(sizes.origins.filter((o) => o.kind === "package").length).toBeGreaterThan(50);
    expect(sizes.origins.filter((o) => o.kind === "layer")).toEqual([]);
    const layerSizes = JSON.parse(await fs.readFile(built.layers.sizeReport, "utf8")) as SizeReport;
    expect(layerSizes.origins.find((o) => o.origin === "layer:test-runit")).toMatchObject({ kind: "layer", files: 1 });
    console.log(`rootfs (xz): ${artifact.size} bytes, ${packageManifest.length} entries, cold build ${(coldMs / 1000).toFixed(1)} s; layers ${built.layers.size} bytes; largest: ${sizes.origins.slice(0, 5).map((o) => `${o.origin} ${o.bytes}`).join(", ")}`);
  });

  it("is taken from the store the second time, and writes the three output files", async () => {
    const start = performance.now();
    const again = (await buildRootfs(ctx, { layers })).rootfs;
    console.log(`rootfs warm build ${((performance.now() - start) / 1000).toFixed(2)} s`);
    expect(again.cached).toBe(true);
    expect(again.digest).toBe(artifact.digest);
    const out = join(work, "out");
    const written = await writeRootfsOutputs(again, out);
    expect((await fs.readdir(out)).sort()).toEqual(["manifest.json", "root.squashfs", "sizes.json"]);
    expect(Buffer.compare(await fs.readFile(written.image), await fs.readFile(artifact.image))).toBe(0);
  });

  it("builds byte-identical images from the same inputs, also with mksquashfs running as nobody", { timeout: 600_000 }, async () => {
    const fresh = await buildRootfs(context(work, "store-2"), { layers });
    expect(fresh.rootfs.cached).toBe(false);
    const image = await fs.readFile(artifact.image);
    expect(Buffer.compare(await fs.readFile(fresh.rootfs.image), image)).toBe(0);
    expect(Buffer.compare(await fs.readFile(fresh.layers.archive), await fs.readFile(built.layers.archive))).toBe(0);

    const unprivileged = join(work, "nobody");
    await fs.mkdir(unprivileged, { mode: 0o777 });
    await fs.chmod(unprivileged, 0o777);
    const [set] = rootfs.packageSets(optionSlice(ctx.config, rootfs.reads, rootfs.name));
    const packages = await fetchPackages(ctx, set!);
    const root = await assembleRoot({ rootfs: ctx.config.rootfs, packages: debSources(packages), layers: [], complete: false });
    const output = join(unprivileged, "root.squashfs");
    const { compression, blockSize } = ctx.config.rootfs;
    const compressionLevel = ctx.config.rootfs.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL[compression];
    await writeSquashfs(root.entries, output, { compression, ...(compressionLevel !== undefined ? { compressionLevel } : {}), blockSize, epoch: 0, runAs: NOBODY });
    expect((await fs.stat(output)).uid).toBe(65534);
    const asNobody = await listImage(output);
    expect(show(asNobody.get("/"))).toBe("drwxr-xr-x 0/0");
    expect(show(asNobody.get("/usr/lib/openssh/ssh-keysign"))).toBe("-rwsr-xr-x 0/0");
    expect(Buffer.compare(await fs.readFile(output), image)).toBe(0);
  });

  it("uses the configured compressor (xz; zstd by default)", { timeout: 600_000 }, async () => {
    const start = performance.now();
    const xz = (await buildRootfs(context(work, "store", { rootfs: { compression: "xz" } }), { layers })).rootfs;
    const ms = performance.now() - start;
    const { execa } = await import("execa");
    expect((await execa("unsquashfs", ["-s", xz.image])).stdout).toMatch(/Compression xz/);
    // zstd at level 14 unless rootfs.compressionLevel says otherwise.
    expect((await execa("unsquashfs", ["-s", artifact.image])).stdout).toMatch(/Compression zstd[\s\S]*compression-level 14/);
    console.log(`rootfs (xz): ${xz.size} bytes, build ${(ms / 1000).toFixed(1)} s`);
  });
});
