import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, defineModule, type SystemConfig } from "@notos/core";
import { fileText, serializeLayer, type TreeEntry } from "@notos/core/tree";
import { etcLayer } from "../src/index.js";
import { ED25519, RSA } from "./keys.js";
import { configOf, evaluate, type TestOptions } from "./system.js";

const find = (entries: TreeEntry[], path: string) => entries.find((e) => e.path === path);

const accounts: TestOptions = {
  users: {
    root: { uid: 0, group: "root", home: "/root", createHome: true, shell: "/bin/bash", authorizedKeys: [ED25519] },
    alice: { uid: 1000, group: "users", extraGroups: ["wheel"], home: "/home/alice", createHome: true, shell: "/usr/bin/bash", hashedPassword: "$y$j9T$abc$def" },
    nobody: { uid: 65534, home: "/nonexistent" },
  },
  groups: { root: { gid: 0 }, shadow: { gid: 42 }, users: { gid: 100 }, wheel: { gid: 10, members: ["root"] }, nogroup: { gid: 65534 } },
};

function layerOf(options: TestOptions) {
  return etcLayer(configOf(options));
}

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error("expected a ConfigError");
}

describe("accounts", () => {
  const { entries } = layerOf(accounts);

  it("writes passwd, group, shadow and gshadow sorted by id, with locked passwords unless a hash is given", () => {
    expect(fileText(find(entries, "/etc/passwd"))).toBe(
      "root:x:0:0::/root:/bin/bash\nalice:x:1000:100::/home/alice:/usr/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n",
    );
    expect(fileText(find(entries, "/etc/group"))).toBe("root:x:0:\nwheel:x:10:alice,root\nshadow:x:42:\nusers:x:100:\nnogroup:x:65534:\n");
    expect(fileText(find(entries, "/etc/shadow"))).toBe("root:!:::::::\nalice:$y$j9T$abc$def:::::::\nnobody:!:::::::\n");
    expect(fileText(find(entries, "/etc/gshadow"))).toContain("wheel:!::alice,root\n");
  });

  it("makes shadow and gshadow 0640 root:shadow when a shadow group exists, else 0600 root:root", () => {
    for (const path of ["/etc/shadow", "/etc/gshadow"]) expect(find(entries, path)).toMatchObject({ mode: 0o640, uid: 0, gid: 42 });
    const { shadow: _, ...noShadow } = accounts.groups!;
    expect(find(layerOf({ ...accounts, groups: noShadow }).entries, "/etc/shadow")).toMatchObject({ mode: 0o600, uid: 0, gid: 0 });
    expect(find(entries, "/etc/passwd")).toMatchObject({ mode: 0o644, uid: 0, gid: 0 });
  });

  it("creates home directories owned by the user, 0700, with root-owned parents", () => {
    expect(find(entries, "/root")).toMatchObject({ type: "dir", mode: 0o700, uid: 0, gid: 0 });
    expect(find(entries, "/home/alice")).toMatchObject({ type: "dir", mode: 0o700, uid: 1000, gid: 100 });
    expect(find(entries, "/home")).toMatchObject({ type: "dir", mode: 0o755, uid: 0, gid: 0 });
    expect(find(entries, "/nonexistent")).toBeUndefined();
  });

  it("writes authorized keys read-only under /etc/ssh/authorized_keys.d, not in home directories", () => {
    expect(find(entries, "/etc/ssh/authorized_keys.d/root")).toMatchObject({ type: "file", mode: 0o444, uid: 0, gid: 0 });
    expect(fileText(find(entries, "/etc/ssh/authorized_keys.d/root"))).toBe(ED25519 + "\n");
    expect(find(entries, "/etc/ssh/authorized_keys.d/alice")).toBeUndefined();
    expect(entries.some((e) => e.path.startsWith("/root/"))).toBe(false);
  });

  it("lists the login shells under both merged-/usr names", () => {
    expect(fileText(find(entries, "/etc/shells")).split("\n")).toEqual(
      expect.arrayContaining(["/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash"]),
    );
    expect(fileText(find(entries, "/etc/shells"))).not.toContain("nologin");
  });
});

describe("validation", () => {
  it("reports duplicate ids, missing groups and bad keys, each with its option path", () => {
    const issues = issuesOf(() =>
      layerOf({
        users: { a: { uid: 5, group: "nope" }, b: { uid: 5, group: "g", extraGroups: ["other"], authorizedKeys: [RSA, "ssh-ed25519 AAAA"] } },
        groups: { g: { gid: 7, members: ["ghost"] }, h: { gid: 7 } },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(["users.a.group", "users.b.uid", "users.b.extraGroups", "users.b.authorizedKeys[1]", "groups.g.members", "groups.h.gid"]),
    );
    expect(issues.find((i) => i.path === "users.b.uid")?.message).toMatch(/uid 5 is also the uid of user "a"/);
    expect(issues.find((i) => i.path === "users.a.group")?.message).toMatch(/primary group "nope" does not exist/);
    expect(issues.some((i) => i.path === "users.b.authorizedKeys[0]")).toBe(false);
  });

  it("rejects etc paths that escape /etc and modes that are not octal permissions", () => {
    const config = configOf({ environment: { etc: { "../shadow": { text: "x" }, "/etc/motd": { text: "x" }, "a/./b": { text: "x" }, ok: { text: "x" } } } });
    (config.environment.etc["ok"] as { mode: string }).mode = "rw-r--r--";
    const issues = issuesOf(() => etcLayer(config));
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['environment.etc."../shadow"', expect.stringMatching(/escape \/etc/)],
      ['environment.etc."/etc/motd"', expect.stringMatching(/relative to \/etc/)],
      ['environment.etc."a/./b"', expect.stringMatching(/'\.' path segments/)],
      ["environment.etc.ok.mode", expect.stringMatching(/"rw-r--r--" is not an octal permission/)],
    ]);
  });

  it("names the module that set a bad option", () => {
    const module = defineModule({ users: { bob: { uid: 1, group: "missing" } } });
    const { config, definitions } = evaluate({}, [module]);
    const issues = issuesOf(() => etcLayer(config, { definitions }));
    expect(issues[0]).toMatchObject({ path: "users.bob.group" });
    expect(issues[0]!.files.join()).toMatch(/layer\.test\.ts$/);
  });
});

describe("files", () => {
  it("makes text, source and symlink entries with their modes and owners, and parent directories", () => {
    const dir = mkdtempSync(join(tmpdir(), "notos-etc-"));
    writeFileSync(join(dir, "issue"), "from the host\n");
    const { entries } = layerOf({
      environment: {
        etc: {
          "ssh/sshd_config.d/local.conf": { text: "Port 22\n", mode: "0600" },
          issue: { source: join(dir, "issue"), uid: 33, gid: 33 },
          localtime: { target: "/usr/share/zoneinfo/UTC" },
          skipped: { text: "x", enable: false },
        },
      },
    });
    expect(find(entries, "/etc/ssh/sshd_config.d/local.conf")).toMatchObject({ type: "file", mode: 0o600, uid: 0 });
    expect(find(entries, "/etc/ssh/sshd_config.d")).toMatchObject({ type: "dir", mode: 0o755, uid: 0, gid: 0 });
    expect(find(entries, "/etc/ssh")).toMatchObject({ type: "dir" });
    expect(find(entries, "/etc/issue")).toMatchObject({ type: "file", mode: 0o644, uid: 33, gid: 33 });
    expect(fileText(find(entries, "/etc/issue"))).toBe("from the host\n");
    expect(find(entries, "/etc/localtime")).toMatchObject({ type: "symlink", target: "/usr/share/zoneinfo/UTC" });
    expect(find(entries, "/etc/skipped")).toBeUndefined();
  });

  it("reports an unreadable source file against its option", () => {
    const issues = issuesOf(() => layerOf({ environment: { etc: { motd: { source: "/does/not/exist" } } } }));
    expect(issues[0]).toMatchObject({ path: "environment.etc.motd.source", message: expect.stringMatching(/ENOENT/) });
  });

  it("lets environment.etc replace or remove a generated file", () => {
    const { entries } = layerOf({ environment: { etc: { hosts: { text: "mine\n" }, "resolv.conf": { text: "", enable: false } } } });
    expect(fileText(find(entries, "/etc/hosts"))).toBe("mine\n");
    expect(find(entries, "/etc/resolv.conf")).toBeUndefined();
  });

  it("refuses a file inside another file", () => {
    const issues = issuesOf(() => layerOf({ environment: { etc: { motd: { text: "x" }, "motd/inner": { text: "y" } } } }));
    expect(issues[0]?.message).toMatch(/inside \/etc\/motd, which is a file/);
  });
});

describe("system files", () => {
  const config: TestOptions = {
    system: { name: "webbox", version: "1.2.3" },
    networking: { hostname: "web", domain: "example.org", nameservers: ["10.0.2.3", "fd00::3"], hosts: { "10.0.2.2": ["gateway"] } },
    environment: { variables: { EDITOR: "vi", GREETING: "it's $HOME" } },
  };
  const { entries } = layerOf(config);

  it("names notos in os-release", () => {
    const release = fileText(find(entries, "/etc/os-release"));
    expect(release).toContain('NAME="notos"\n');
    expect(release).toContain('ID="notos"\n');
    expect(release).toContain('ID_LIKE="debian"\n');
    expect(release).toContain('VERSION_ID="1.2.3"\n');
    expect(release).toContain('PRETTY_NAME="notos 1.2.3 (webbox)"\n');
    // os-release is shell: sourcing it gives the values back.
    const out = execFileSync("sh", ["-c", `${release}\nprintf '%s|%s' "$PRETTY_NAME" "$ID_LIKE"`], { encoding: "utf8" });
    expect(out).toBe("notos 1.2.3 (webbox)|debian");
  });

  it("writes hostname, hosts and resolv.conf from networking", () => {
    expect(fileText(find(entries, "/etc/hostname"))).toBe("web\n");
    const hosts = fileText(find(entries, "/etc/hosts"));
    expect(hosts).toContain("127.0.0.1\tlocalhost\n");
    expect(hosts).toContain("127.0.1.1\tweb.example.org web\n");
    expect(hosts).toContain("10.0.2.2\tgateway\n");
    expect(fileText(find(entries, "/etc/resolv.conf"))).toMatch(/search example\.org\nnameserver 10\.0\.2\.3\nnameserver fd00::3\n$/);
  });

  it("writes a profile that is valid shell and exports the variables literally", () => {
    const profile = fileText(find(entries, "/etc/profile"));
    execFileSync("sh", ["-n"], { input: profile });
    // Core's one quoting rule: a safe word stays bare, anything else goes in single quotes.
    expect(profile).toContain("export EDITOR=vi\nexport GREETING='it'\\''s $HOME'\n");
    const file = join(mkdtempSync(join(tmpdir(), "notos-etc-")), "profile");
    writeFileSync(file, profile);
    const out = execFileSync("sh", ["-c", `. "$1"; printf '%s|%s|%s' "$EDITOR" "$GREETING" "$PATH"`, "sh", file], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
    expect(out).toMatch(/^vi\|it's \$HOME\|\/usr\/local\/(s)?bin:/);
  });

  it("rejects a variable name that is not a shell name", () => {
    const issues = issuesOf(() => layerOf({ environment: { variables: { "MY-VAR": "x" } } }));
    expect(issues[0]).toMatchObject({ path: "environment.variables.MY-VAR" });
  });

  it("ships nsswitch.conf with files for accounts and dns for hosts", () => {
    expect(fileText(find(entries, "/etc/nsswitch.conf"))).toMatch(/passwd:\s+files\n[\s\S]*hosts:\s+files dns\n/);
  });
});

describe("reproducibility", () => {
  it("gives identical bytes for the same configuration, whatever the order of record keys", () => {
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const a = serializeLayer(layerOf(accounts));
    const b = serializeLayer(layerOf({ users: reversed(accounts.users!) as TestOptions["users"], groups: reversed(accounts.groups!) as TestOptions["groups"] }));
    expect(a).toBe(b);
    const layer = layerOf(accounts);
    expect(layer.entries.map((e) => e.path)).toEqual([...layer.entries.map((e) => e.path)].sort());
  });

  it("puts no password or private key into the layer by default", () => {
    const config: SystemConfig = configOf({ users: { root: { uid: 0, group: "root" } }, groups: { root: { gid: 0 } } });
    const all = etcLayer(config).entries.filter((e) => e.type === "file").map((e) => fileText(e)).join("\n");
    expect(all).not.toMatch(/PRIVATE KEY|\$[0-9a-z]+\$/);
    expect(all).toContain("root:!:");
  });
});
