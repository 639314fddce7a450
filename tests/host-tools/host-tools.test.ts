// A brand-new machine gets its host tools from scripts/setup.mjs alone, so
// every program the code starts and every host file it reads must be on the
// host-tools list (or be there on any Debian machine). This test scans the
// builders, tests, bench and scripts and names each call site that is not.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { alwaysPresentPaths, alwaysPresentPrograms, hostTools } from "../../scripts/host-tools.mjs";
import { scanSource, shellCommands, unprovided, type HostAllowances, type HostUse } from "./scan.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const allow: HostAllowances = { provided: hostTools.map((t) => t.need), programs: alwaysPresentPrograms, paths: alwaysPresentPaths };

const SKIP = new Set(["node_modules", "dist", "out", "test-results", ".turbo", "results"]);

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) files.push(...sourceFiles(path));
    } else if (/\.([cm]?[jt]s)$/.test(entry.name) && !entry.name.endsWith(".d.ts") && !entry.name.endsWith(".d.mts")) {
      files.push(path);
    }
  }
  return files;
}

function scannedFiles(): string[] {
  const packages = readdirSync(join(repoRoot, "packages")).flatMap((p) => ["src", "test"].map((d) => join(repoRoot, "packages", p, d)));
  const dirs = [...packages, join(repoRoot, "tests"), join(repoRoot, "bench", "src"), join(repoRoot, "bench", "test"), join(repoRoot, "scripts")];
  return dirs.flatMap((d) => {
    try {
      return sourceFiles(d);
    } catch {
      return [];
    }
  });
}

const where = (u: HostUse) => `${u.file}:${u.line}: ${u.kind} ${u.name}`;
const scan = (code: string, file = "sample.ts") => scanSource(file, code);
const missing = (code: string) => unprovided(scan(code), allow).map((u) => `${u.line}: ${u.kind} ${u.name}`);

describe("the host-tools list", () => {
  it("covers every program and host file the repository's code uses", () => {
    const files = scannedFiles();
    expect(files.length).toBeGreaterThan(50);
    const uses = files.flatMap((f) => scanSource(relative(repoRoot, f), readFileSync(f, "utf8")));
    // The scan must really see the call sites: these are known to be there.
    expect(uses.map((u) => u.name)).toEqual(expect.arrayContaining(["qemu-system-x86_64", "gpgv", "sqfstar", "cpio", "ssh-keygen"]));
    const bad = unprovided(uses, allow).map(where);
    expect(bad, `not installed by scripts/setup.mjs — add them to scripts/host-tools.mjs:\n${bad.join("\n")}`).toEqual([]);
  });

  it("names each tool once, with its Debian package", () => {
    const needs = hostTools.map((t) => t.need);
    expect(new Set(needs).size).toBe(needs.length);
    for (const t of hostTools) expect(t.pkg, t.need).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
    expect(alwaysPresentPrograms.filter((p) => needs.includes(p))).toEqual([]);
  });
});

describe("the scanner", () => {
  it("reports a host binary copied into a test initrd", () => {
    expect(missing(`import { copyFile } from "node:fs/promises";\nawait copyFile("/bin/busybox", join(root, "bin/busybox"));\n`)).toEqual(["2: path /bin/busybox"]);
  });

  it("follows constants, join() of literals, copies by cp, and absolute program paths", () => {
    const code = [
      'const BUSYBOX = "/bin/busybox";',
      "copyFileSync(BUSYBOX, dest);",
      'readFileSync(join("/usr/lib", "x.so"));',
      'await execa("cp", ["/sbin/modprobe", dest]);',
      'spawnSync("/usr/bin/busybox", ["sh"]);',
      'spawnSync("/usr/bin/env", ["true"]);',
      "readFileSync(`/etc/${name}.conf`);",
    ].join("\n");
    expect(missing(code)).toEqual(["2: path /bin/busybox", "3: path /usr/lib/x.so", "4: path /sbin/modprobe", "5: path /usr/bin/busybox", "7: path /etc/…"]);
  });

  it("reports programs started directly, through sh -c, exec and template tags", () => {
    const code = [
      'await execa("mkfs.ext4", [image]);',
      'execFileSync("sh", ["-c", `cd "$1" && find . | LC_ALL=C sort | genisoimage -o "$2" 2>&1`, "sh", a, b]);',
      'exec("busybox ls /opt/tool", cb);',
      "await $`losetup -f ${file}`;",
      'child_process.execFileSync("ssh", ["-V"]);',
    ].join("\n");
    expect(missing(code)).toEqual(["1: program mkfs.ext4", "2: program genisoimage", "3: program busybox", "3: path /opt/tool", "4: program losetup"]);
  });

  it("leaves alone guest paths in generated scripts, the kernel's files, and regular expressions", () => {
    const code = [
      'const init = `#!/bin/sh\\n/bin/busybox --install -s /bin\\nmount -t proc proc /proc\\n`;',
      'await writeFile(join(root, "init"), init);',
      'await access("/dev/kvm");',
      "readFileSync(`/proc/${pid}/stat`);",
      'const m = /x/.exec("/bin/busybox");',
      'execa("head", ["-c", "1", "/dev/zero"]);',
      "spawnSync(process.execPath, [script]);",
    ].join("\n");
    expect(scan(code).filter((u) => u.kind === "path")).toEqual([]);
    expect(missing(code)).toEqual([]);
  });

  it("finds the command words of a shell line", () => {
    expect(shellCommands('i=0; while [ ! -e /dev/hvc0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done')).toEqual(["sleep"]);
    expect(shellCommands("openssl s_client -connect h:1 </dev/null 2>/dev/null | openssl x509 -noout")).toEqual(["openssl", "openssl"]);
    expect(shellCommands('x=$(cat /etc/a) && exec nginx -g "daemon off;" 2>&1')).toEqual(["cat", "nginx"]);
  });
});
