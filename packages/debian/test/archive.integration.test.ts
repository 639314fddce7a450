// Against the real Debian archive (the mirror the host's apt sources name).
// The big downloads use the normal cache so repeated runs are warm; the
// tamper tests use a temporary cache and check that nothing bad stays in it.
import { createServer, type Server } from "node:http";
import { mkdtemp, readdir, readFile, writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, assert, beforeAll, describe, expect, test } from "vitest";
import { evalSystem, type BuildContext } from "@notos/core";
import { silentReporter } from "@notos/core/progress";
import { Store } from "@notos/core/store";
import { DebianError, debianModule, fetchPackages } from "../src/index.js";
import { loadSuite, sha256File, suiteSources, verifyInRelease, type SuiteSource } from "../src/public/archive.js";
import { mergedUsrPath, readDebData } from "../src/public/deb.js";
import { lockedArchive, readLock, serializeLock, withSet, type PackageSet } from "../src/public/lock.js";
import { fetchBytes } from "../src/http.js";

// The debian options as a system with this package's module has them: the defaults.
const defaults = evalSystem({ imports: [debianModule] }).config;
const KEYRING = defaults.debian.keyring;
const LONG = 600_000;

async function context(): Promise<BuildContext> {
  const dir = await mkdtemp(join(tmpdir(), "notos-debian-it-"));
  return { config: defaults, store: new Store(join(dir, "store")), lockFile: join(dir, "notos.lock.json"), reporter: silentReporter };
}

async function rejection(promise: Promise<unknown>): Promise<DebianError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DebianError);
  return error as DebianError;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(join(d, e.name).slice(dir.length + 1));
    }
  };
  await walk(dir);
  return out.sort();
}

let main: SuiteSource;
beforeAll(async () => {
  main = (await suiteSources(defaults.debian)).find((s) => s.suite === "bookworm")!;
});

describe("the real archive", () => {
  test(
    "resolves, downloads and verifies the closure of openssh-server nginx-light runit bash coreutils",
    async () => {
      const ctx = await context();
      const set: PackageSet = { name: "rootfs", roots: ["openssh-server", "nginx-light", "runit", "bash", "coreutils"], dependencies: "all" };
      const t0 = Date.now();
      const fetched = await fetchPackages(ctx, set);
      const t1 = Date.now();
      const names = fetched.map((p) => p.name);
      for (const root of set.roots) expect(names).toContain(root);
      expect(names).toContain("libc6");
      expect(names).toContain("usr-is-merged");
      expect(names).not.toContain("usrmerge");
      expect(names).not.toContain("perl");
      for (const p of fetched) {
        expect((await stat(p.file)).size).toBe(p.size);
        expect(await sha256File(p.file)).toBe(p.sha256);
        expect(["bookworm", "bookworm-updates", "bookworm-security"]).toContain(p.suite);
      }
      // The lock now has the set; a second fetch uses it and gives the same files.
      const lock = await readLock(ctx.lockFile);
      expect(lock!.sets.rootfs!.packages.map((p) => p.name)).toEqual(names);
      const again = await fetchPackages(ctx, set);
      const t2 = Date.now();
      expect(again).toEqual(fetched);
      const total = fetched.reduce((sum, p) => sum + p.size, 0);
      console.log(`closure: ${fetched.length} packages, ${(total / 1024 / 1024).toFixed(1)} MiB; resolve+download+verify ${t1 - t0} ms, from the lock ${t2 - t1} ms`);
    },
    LONG,
  );

  test(
    "busybox-static holds a static ELF busybox with mode 0755",
    async () => {
      const ctx = await context();
      const [busybox] = await fetchPackages(ctx, { name: "initrd", roots: ["busybox-static"], dependencies: "none" });
      let found = false;
      for await (const entry of readDebData(busybox!.file)) {
        if (mergedUsrPath(entry.path) !== "/usr/bin/busybox") continue;
        found = true;
        assert(entry.type === "file");
        expect(entry.mode).toBe(0o755);
        expect(entry.uid).toBe(0);
        const elf = Buffer.from(entry.content);
        expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
        // 64-bit little-endian: no PT_INTERP program header means statically linked.
        const phoff = Number(elf.readBigUInt64LE(0x20));
        const phentsize = elf.readUInt16LE(0x36);
        const phnum = elf.readUInt16LE(0x38);
        const types = Array.from({ length: phnum }, (_, i) => elf.readUInt32LE(phoff + i * phentsize));
        expect(types).toContain(1); // PT_LOAD
        expect(types).not.toContain(3); // PT_INTERP
      }
      expect(found).toBe(true);
    },
    LONG,
  );

  test(
    "the kernel metapackage leads to the real linux-image package, nothing else",
    async () => {
      const ctx = await context();
      const fetched = await fetchPackages(ctx, { name: "kernel", roots: ["linux-image-cloud-amd64"], dependencies: { only: "^linux-image-" } });
      expect(fetched.map((p) => p.name)).toEqual([expect.stringMatching(/^linux-image-\d.*-cloud-amd64$/), "linux-image-cloud-amd64"]);
    },
    LONG,
  );

  test(
    "an unknown package name is a clear error with suggestions, and no lock is written",
    async () => {
      const ctx = await context();
      const error = await rejection(fetchPackages(ctx, { name: "rootfs", roots: ["nginx-lite"], dependencies: "all" }, { cache: await mkdtemp(join(tmpdir(), "notos-cache-")) }));
      expect(error.message).toBe('unknown Debian package "nginx-lite"');
      expect(error.hint).toMatch(/^did you mean "nginx-light"/);
      expect(await readLock(ctx.lockFile)).toBeUndefined();
    },
    LONG,
  );
});

describe("bad input from the archive or the cache", () => {
  test(
    "a tampered InRelease (one byte changed) fails verification",
    async () => {
      const bytes = await fetchBytes(`${main.uri}/dists/bookworm-updates/InRelease`);
      expect(await verifyInRelease(bytes, KEYRING)).toMatch(/^Origin: Debian/m);
      const tampered = Buffer.from(bytes);
      const at = tampered.indexOf("Codename: bookworm") + "Codename: ".length;
      tampered[at] = "c".charCodeAt(0);
      const error = await rejection(verifyInRelease(tampered, KEYRING));
      expect(error.message).toMatch(/signature verification of InRelease failed/);
      expect(error.hint).toMatch(/changed/);
    },
    LONG,
  );

  describe("through a proxy that alters what the mirror serves", () => {
    let server: Server;
    let proxy: string;
    let tamper: (path: string, body: Buffer) => Buffer = (_p, b) => b;

    beforeAll(async () => {
      server = createServer((req, res) => {
        const path = req.url!.replace(/^\/proxy/, "");
        fetch(`${main.uri}${path}`)
          .then(async (upstream) => {
            const body = tamper(path, Buffer.from(await upstream.arrayBuffer()));
            res.writeHead(upstream.status, { "content-length": body.length }).end(body);
          })
          .catch(() => res.writeHead(502).end());
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const address = server.address();
      proxy = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/proxy`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const source = (): SuiteSource => ({ suite: "bookworm-updates", uri: proxy, components: ["main"], keyring: KEYRING });

    test(
      "an honest proxy works (the mirror override path), and its index lands in the cache",
      async () => {
        tamper = (_p, b) => b;
        const cache = await mkdtemp(join(tmpdir(), "notos-cache-"));
        const records = await loadSuite(source(), { cache, architecture: "amd64" });
        expect(records.length).toBeGreaterThan(0);
        expect(records.every((r) => r.suite === "bookworm-updates")).toBe(true);
        expect(await filesUnder(cache)).toEqual([expect.stringMatching(/^indexes\/bookworm-updates\/main-amd64-[0-9a-f]{32}\.json$/)]);
      },
      LONG,
    );

    test(
      "a Packages file whose hash does not match the signed InRelease is rejected, and nothing is cached",
      async () => {
        tamper = (path, body) => {
          if (!/\/binary-amd64\/(Packages|by-hash)/.test(path)) return body;
          const copy = Buffer.from(body);
          copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 1;
          return copy;
        };
        const cache = await mkdtemp(join(tmpdir(), "notos-cache-"));
        const error = await rejection(loadSuite(source(), { cache, architecture: "amd64" }));
        expect(error.message).toMatch(/SHA256 [0-9a-f]{64} does not match the signed [0-9a-f]{64}/);
        expect(await filesUnder(cache)).toEqual([]);
      },
      LONG,
    );

    test(
      "a tampered InRelease from the mirror is rejected, and nothing is cached",
      async () => {
        tamper = (path, body) => (path.endsWith("/InRelease") ? Buffer.from(body.toString("latin1").replace("Suite: ", "Suite:  "), "latin1") : body);
        const cache = await mkdtemp(join(tmpdir(), "notos-cache-"));
        const error = await rejection(loadSuite(source(), { cache, architecture: "amd64" }));
        expect(error.message).toMatch(/signature verification/);
        expect(await filesUnder(cache)).toEqual([]);
      },
      LONG,
    );
  });

  test(
    "a tampered or truncated cached .deb is detected and replaced",
    async () => {
      const ctx = await context();
      const cache = await mkdtemp(join(tmpdir(), "notos-cache-"));
      const set: PackageSet = { name: "one", roots: ["usr-is-merged"], dependencies: "none" };
      const [first] = await fetchPackages(ctx, set, { cache });
      const original = await readFile(first!.file);

      const tampered = Buffer.from(original);
      tampered[100] = tampered[100]! ^ 0xff;
      await writeFile(first!.file, tampered);
      const [second] = await fetchPackages(ctx, set, { cache });
      expect(second!.file).toBe(first!.file);
      expect(await readFile(second!.file)).toEqual(original);

      await writeFile(first!.file, original.subarray(0, 10));
      const [third] = await fetchPackages(ctx, set, { cache });
      expect(await sha256File(third!.file)).toBe(first!.sha256);
      expect((await filesUnder(cache)).filter((f) => f.startsWith("debs/"))).toEqual([`debs/${first!.filename.split("/").pop()}`]);
    },
    LONG,
  );

  test(
    "a download whose hash does not match the lock is rejected and leaves nothing in the cache",
    async () => {
      const ctx = await context();
      const cache = await mkdtemp(join(tmpdir(), "notos-cache-"));
      const set: PackageSet = { name: "one", roots: ["usr-is-merged"], dependencies: "none" };
      const [good] = await fetchPackages(ctx, set, { cache: await mkdtemp(join(tmpdir(), "notos-cache-")) });
      const { file: _file, ...locked } = good!;
      await writeFile(ctx.lockFile, serializeLock(withSet(await readLock(ctx.lockFile), lockedArchive(ctx.config), set, [{ ...locked, sha256: "0".repeat(64) }])));
      const error = await rejection(fetchPackages(ctx, set, { cache }));
      expect(error.message).toMatch(/expected \d+ bytes with 0{64}/);
      // Straight from the lock: no index was fetched, and no .deb or temporary file is left.
      expect(await filesUnder(cache)).toEqual([]);
    },
    LONG,
  );

  test(
    "a locked version that has left the mirror says how to refresh the lock",
    async () => {
      const ctx = await context();
      const set: PackageSet = { name: "one", roots: ["usr-is-merged"], dependencies: "none" };
      const gone = { name: "usr-is-merged", version: "0.0-gone", architecture: "all", suite: "bookworm", filename: "pool/main/u/usrmerge/usr-is-merged_0.0-gone_all.deb", size: 1, sha256: "0".repeat(64) };
      await writeFile(ctx.lockFile, serializeLock(withSet(undefined, lockedArchive(ctx.config), set, [gone])));
      const error = await rejection(fetchPackages(ctx, set, { cache: await mkdtemp(join(tmpdir(), "notos-cache-")) }));
      expect(error.message).toMatch(/usr-is-merged 0\.0-gone \(bookworm\) is no longer on the mirror/);
      expect(error.hint).toContain("npm run lock -- --refresh");
      expect(error.hint).toContain("notos lock --refresh");
    },
    LONG,
  );
});
