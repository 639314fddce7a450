// The real etc and runit layers on a real root: what @notos/etc and
// @notos/runit make must survive the merge with its owners and modes — in
// the running root, root.squashfs under the initrd's layer archive.
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildContext } from "@notos/core";
import { Store } from "@notos/core/store";
import { silentReporter } from "@notos/core/progress";
import { buildEtc, etcModule } from "@notos/etc";
import { buildRunit, runitModule } from "@notos/runit";
import { buildRootfs, type BuiltRoot } from "../src/module.js";
import type { RootManifestEntry } from "../src/manifest.js";
import { testConfig } from "./system.js";
import { describe as show, listImage, listRoot, type Listed } from "./unsquashfs.js";

const OPTIONS = {
      environment: { packages: ["bash", "coreutils", "runit", "openssh-server", "nginx-light", "iproute2", "procps"] },
      users: {
        root: { uid: 0, group: "root", home: "/root", shell: "/bin/bash", authorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm6TEfb2vKkqvYtBpWsqd0wV3VRkESTz3CcD1Ntx4qI test"] },
        sshd: { uid: 100, group: "nogroup", home: "/run/sshd" },
      },
      groups: { root: { gid: 0 }, shadow: { gid: 42 }, nogroup: { gid: 65534 } },
      services: { sshd: { run: "exec /usr/sbin/sshd -D -e" } },
    };

let work: string;
let built: BuiltRoot;
let image: Map<string, Listed>;
let listed: Map<string, Listed>;
let manifest: Map<string, RootManifestEntry>;

beforeAll(async () => {
  work = await fs.mkdtemp(join(tmpdir(), "rootfs-layers-"));
  const config = testConfig(OPTIONS, [etcModule, runitModule]);
  const ctx: BuildContext = { config, store: new Store(join(work, "store")), lockFile: join(work, "notos.lock.json"), reporter: silentReporter };
  const layers = [await buildEtc(ctx), await buildRunit(ctx)];
  built = await buildRootfs(ctx, { layers });
  image = await listImage(built.rootfs.image);
  listed = await listRoot(built.rootfs.image, built.layers.archive);
  manifest = new Map((JSON.parse(await fs.readFile(built.layers.manifest, "utf8")) as RootManifestEntry[]).map((e) => [e.path, e]));
}, 900_000);

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("a real root with the etc and runit layers", () => {
  it("has the accounts of the etc layer with Debian's modes", () => {
    expect(show(listed.get("/etc/passwd"))).toBe("-rw-r--r-- 0/0");
    expect(show(listed.get("/etc/shadow"))).toBe("-rw-r----- 0/42");
    expect(manifest.get("/etc/passwd")?.origin).toBe("layer:etc");
    expect(show(listed.get("/root"))).toMatch(/^drwx------ 0\/0/);
  });

  it("has the sshd service of the runit layer, executable", () => {
    expect(show(listed.get("/etc/sv/sshd/run"))).toBe("-rwxr-xr-x 0/0");
    expect(manifest.get("/etc/sv/sshd/run")?.origin).toBe("layer:runit");
  });

  it("records where a layer replaced a package or skeleton file", () => {
    const overridden = [...manifest.values()].filter((e) => e.overrides !== undefined).map((e) => `${e.path} ${e.origin}<${e.overrides}`);
    expect(overridden).toContain("/etc/shells layer:etc<skeleton");
    expect([...listed.keys()].filter((p) => /^\/etc\/ssh\/ssh_host_.*_key$/.test(p))).toEqual([]);
  });

  it("keeps the layers out of root.squashfs, and the packages' directory modes in the archive", () => {
    expect(image.has("/etc/passwd")).toBe(false);
    expect(image.has("/etc/sv/sshd/run")).toBe(false);
    expect(image.get("/etc/nginx/nginx.conf")).toBeDefined();
    // Parent directories the layers did not make come with the packages' owners and modes (the overlay takes the top copy's).
    for (const path of ["/etc", "/etc/ssh", "/etc/sv"]) if (image.has(path)) expect(show(listed.get(path)), path).toBe(show(image.get(path)));
    expect(built.layers.entries).toBeLessThan(200);
  });

  it("an edit to a layer leaves root.squashfs in the store", async () => {
    const ctx: BuildContext = { config: testConfig({ ...OPTIONS, environment: { ...OPTIONS.environment, etc: { motd: { text: "edited\n" } } } }, [etcModule, runitModule]), store: new Store(join(work, "store")), lockFile: join(work, "notos.lock.json"), reporter: silentReporter };
    const again = await buildRootfs(ctx, { layers: [await buildEtc(ctx), await buildRunit(ctx)] });
    expect(again.rootfs.cached).toBe(true);
    expect(again.rootfs.digest).toBe(built.rootfs.digest);
    expect(again.layers.cached).toBe(false);
    expect((await listRoot(again.rootfs.image, again.layers.archive)).get("/etc/motd")?.size).toBe("7");
  });
});
