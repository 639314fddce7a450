// The peer case's pure parts: mmdebstrap's arguments, the builders' times
// read from a dist log, and the summary and its report. The runs themselves
// are bench-only (`npm run bench -- --cases peer`), never part of npm test.
import { describe, expect, it } from "vitest";
import { builderSeconds, mmdebstrapArgs, peerMarkdown, summarizePeer, type PeerRun } from "../src/cases/peer.js";

describe("the peer's mmdebstrap", () => {
  const sources = [
    { suite: "bookworm", uri: "http://mirror.test/debian", components: ["main"], keyring: "/k.gpg" },
    { suite: "bookworm-security", uri: "http://security.test/debian-security", components: ["main", "contrib"], keyring: "/k.gpg" },
  ];

  it("builds the essential variant of the same packages, merged /usr, without docs and locales, from the project's sources", () => {
    const args = mmdebstrapArgs({ packages: ["nginx-light", "runit"], sources, target: "/w/root", aptCache: "/w/apt" });
    expect(args).toContain("--variant=essential");
    expect(args).toContain("--include=nginx-light,runit");
    expect(args).toContain("--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr");
    expect(args).toEqual(expect.arrayContaining(["--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-include=/usr/share/doc/*/copyright", "--dpkgopt=path-exclude=/usr/share/locale/*"]));
    // Downloads kept between runs, outside the image.
    expect(args).toEqual(expect.arrayContaining(["--setup-hook=sync-in /w/apt /var/cache/apt/archives/", "--customize-hook=sync-out /var/cache/apt/archives /w/apt"]));
    // SUITE TARGET, then one mirror line per suite.
    expect(args.slice(-4)).toEqual(["bookworm", "/w/root", "deb http://mirror.test/debian bookworm main", "deb http://security.test/debian-security bookworm-security main contrib"]);
  });

  it("refuses a configuration without suites", () => {
    expect(() => mmdebstrapArgs({ packages: ["runit"], sources: [], target: "/t", aptCache: "/a" })).toThrow(/at least one Debian suite/);
  });
});

describe("the peer's figures", () => {
  it("reads each builder's time from the dist task that ran, not from a replayed one", () => {
    const log = [
      "@notos/core:build: cache hit, replaying logs 1234",
      "@notos/systems:dist: cache miss, executing 5678",
      "@notos/systems:dist: kernel: built in 4.5s",
      "@notos/systems:dist: rootfs: built in 21.0s",
      "@notos/systems:dist: etc: cached",
      "@notos/other:dist: cache hit, replaying logs 9",
      "@notos/other:dist: rootfs: built in 99.0s",
    ].join("\n");
    expect(builderSeconds(log)).toEqual({ kernel: 4.5, rootfs: 21 });
    // --force prints "cache bypass" for the task it runs anyway.
    expect(builderSeconds("@notos/systems:dist: cache bypass, force executing 5678\n@notos/systems:dist: initrd: built in 1.5s")).toEqual({ initrd: 1.5 });
  });

  it("compares each notos build with the peer run beside it, with and without compiling", () => {
    const run = (withCompile: number, withoutCompile: number, peer: number, rootfs: number): PeerRun => ({
      withCompile,
      withoutCompile,
      builders: { rootfs, kernel: 2 },
      mmdebstrap: peer - 10,
      mksquashfs: 10,
      peerBytes: 25 * 1024 * 1024,
    });
    const p = summarizePeer([run(50, 20, 80, 12), run(70, 30, 100, 14), run(30, 10, 50, 10)], ["nginx-light", "runit"]);
    expect(p.notosWithCompile.median).toBe(50);
    expect(p.notosWithoutCompile.median).toBe(20);
    expect(p.peer.median).toBe(80);
    expect(p.ratioWithCompile.samples).toEqual([50 / 80, 70 / 100, 30 / 50]);
    expect(p.ratioWithoutCompile.median).toBe(0.25);
    expect(p.builders.rootfs!.median).toBe(12);
    const md = peerMarkdown(p);
    expect(md).toContain("| notos, packages already compiled (`turbo run dist --only --force`, empty store) | 20.0 s (10.0 s–30.0 s) | 0.25× (0.20–0.30) |");
    expect(md).toContain("same 2 packages");
    expect(md.indexOf("| rootfs | 12.0 s |")).toBeLessThan(md.indexOf("| kernel | 2.00 s |"));
  });
});
