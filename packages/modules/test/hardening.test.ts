// What the standard modules harden by default, as generated files: sshd's
// algorithm lists, nginx's TLS and headers, the kernel sysctls stage 1 sets,
// and the empty setuid allow-list — each with its way to widen or override.
// The booted system is scanned by ssh-audit and testssl.sh in
// tests/boot/hardening.test.ts; this checks the configuration that gets there.
import { describe, expect, it } from "vitest";
import { defineSystem, evalSystem, formatError, type Module } from "@notos/core";
import type { TreeEntry } from "@notos/core/tree";
import { etcLayer } from "@notos/etc";
import { runitLayer } from "@notos/runit";
import { base, hardeningSysctl, nginx, nginxSecurityHeaders, nginxTls, openssh, qemuGuest, sshdAlgorithms } from "../src/index.js";

const text = (entries: TreeEntry[], path: string) => {
  const entry = entries.find((e) => e.path === path);
  return new TextDecoder().decode(entry?.type === "file" ? entry.content : undefined);
};

function build(root: Module) {
  const { config, definitions } = evalSystem(root);
  return { config, etc: etcLayer(config, { definitions }).entries, runit: runitLayer(config, { definitions }).entries };
}

/** The value of one sshd_config keyword (sshd takes the first one it reads). */
const keyword = (conf: string, name: string) => new RegExp(`^${name} (.*)$`, "m").exec(conf)?.[1];

/** An error's code, then the error as the CLI prints it (message and hint). */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return `${(error as { code?: string }).code}\n${formatError(error)}`;
  }
  throw new Error("expected an error");
}

describe("sshd's algorithms", () => {
  const { etc } = build(defineSystem({ imports: [base, qemuGuest, openssh()] }));
  const conf = text(etc, "/etc/ssh/sshd_config");

  it("offer no NIST-curve key exchange, no SHA-1, no encrypt-and-MAC and no 64-bit tags", () => {
    const kex = keyword(conf, "KexAlgorithms")!.split(",");
    const macs = keyword(conf, "MACs")!.split(",");
    const ciphers = keyword(conf, "Ciphers")!.split(",");
    expect(kex).toEqual([...sshdAlgorithms.kexAlgorithms]);
    expect(kex.filter((k) => /nistp|sha1|group1-|group14-sha1|group-exchange-sha1/.test(k))).toEqual([]);
    expect(macs.filter((m) => !m.endsWith("-etm@openssh.com") || /sha1|md5|umac-64/.test(m))).toEqual([]);
    expect(ciphers.filter((c) => /cbc|3des|arcfour|rc4/.test(c))).toEqual([]);
    expect(keyword(conf, "HostKeyAlgorithms")).toBe("ssh-ed25519,ssh-ed25519-cert-v01@openssh.com");
    // The lists come after the Include, so a file in sshd_config.d still wins.
    expect(conf.indexOf("Include /etc/ssh/sshd_config.d/*.conf")).toBeLessThan(conf.indexOf("KexAlgorithms"));
  });

  it("widen list by list for an old client", () => {
    const old = build(defineSystem({ imports: [base, openssh({ kexAlgorithms: [...sshdAlgorithms.kexAlgorithms, "diffie-hellman-group14-sha256"], macs: ["hmac-sha2-256"] })] }));
    const wide = text(old.etc, "/etc/ssh/sshd_config");
    expect(keyword(wide, "KexAlgorithms")).toBe([...sshdAlgorithms.kexAlgorithms, "diffie-hellman-group14-sha256"].join(","));
    expect(keyword(wide, "MACs")).toBe("hmac-sha2-256");
    expect(keyword(wide, "Ciphers")).toBe(sshdAlgorithms.ciphers.join(","));
  });

  it("refuse an empty list or a name sshd_config cannot carry", () => {
    expect(thrown(() => openssh({ ciphers: [] }))).toMatch(/^MODULE_INVALID\n.*openssh\(\{ ciphers \}\) is empty[\s\S]*hint:/);
    expect(thrown(() => openssh({ macs: ["hmac-sha2-256\nPermitRootLogin yes"] }))).toMatch(/not an algorithm name/);
  });
});

describe("nginx's TLS and headers", () => {
  const { etc } = build(defineSystem({ imports: [base, qemuGuest, nginx()] }));
  const conf = text(etc, "/etc/nginx/nginx.conf");

  it("offers TLS 1.2 and 1.3 with forward-secret AEAD suites only, in the server's order, and no version", () => {
    expect(conf).toContain("\tssl_protocols TLSv1.2 TLSv1.3;\n");
    const ciphers = /^\tssl_ciphers (.*);$/m.exec(conf)![1]!.split(":");
    expect(ciphers).toEqual([...nginxTls.ciphers]);
    expect(ciphers.filter((c) => !/^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/.test(c))).toEqual([]);
    expect(conf).toContain("\tssl_prefer_server_ciphers on;\n");
    expect(conf).toContain("\tserver_tokens off;\n");
    expect(conf).toContain("\tssl_session_tickets off;\n");
  });

  it("adds the security headers to every answer, HSTS only over TLS", () => {
    for (const [name, value] of Object.entries(nginxSecurityHeaders)) {
      if (name === "Strict-Transport-Security") continue;
      expect(conf).toContain(`\tadd_header ${name} "${value}" always;\n`);
    }
    expect(conf).toContain("\tadd_header Strict-Transport-Security $hsts always;\n");
    expect(conf).toMatch(/map \$https \$hsts \{\n\t\ton "max-age=31536000";\n\t\tdefault "";\n\t\}/);
  });

  it("takes other lists and headers, and refuses what nginx.conf cannot carry", () => {
    const custom = text(build(defineSystem({ imports: [base, nginx({ sslCiphers: ["ECDHE-RSA-AES128-SHA256"], headers: { "X-Test": "1" } })] })).etc, "/etc/nginx/nginx.conf");
    expect(custom).toContain("\tssl_ciphers ECDHE-RSA-AES128-SHA256;\n");
    expect(custom).toContain('\tadd_header X-Test "1" always;\n');
    expect(custom).not.toContain("X-Frame-Options");
    expect(thrown(() => nginx({ sslProtocols: ["TLSv1.4"] }))).toMatch(/^MODULE_INVALID\n.*sslProtocols[\s\S]*"TLSv1.4"[\s\S]*hint:/);
    expect(thrown(() => nginx({ sslCiphers: [] }))).toMatch(/is empty/);
    expect(thrown(() => nginx({ headers: { "X-A": 'a"; evil' } }))).toMatch(/cannot carry as a header/);
    expect(thrown(() => nginx({ headers: { "X A": "a" } }))).toMatch(/cannot carry as a header/);
  });

  it("makes a certificate valid for 397 days, and a new one 30 days before it ends", () => {
    const { runit } = build(defineSystem({ imports: [base, nginx()] }));
    const task = text(runit, "/etc/sv/nginx/run");
    expect(task).toContain("-days 397 ");
    expect(task).toContain(`-checkend ${30 * 86400}`);
  });
});

describe("the kernel hardening sysctls", () => {
  it("are set by stage 1 of every system with base, each overridable by a plain value", () => {
    const { config, runit } = build(defineSystem({ imports: [base], boot: { kernel: { sysctl: { "kernel.sysrq": 176, "vm.swappiness": 10 } } } }));
    const expected = { ...Object.fromEntries(Object.entries(hardeningSysctl).map(([k, [v]]) => [k, v])), "kernel.sysrq": 176, "vm.swappiness": 10 };
    expect(config.boot.kernel.sysctl).toEqual(expected);
    const one = text(runit, "/etc/runit/1");
    expect(one).toContain("echo 2 > /proc/sys/kernel/kptr_restrict\n");
    expect(one).toContain("echo 1 > /proc/sys/kernel/dmesg_restrict\n");
    expect(one).toContain("echo 176 > /proc/sys/kernel/sysrq\n");
    expect(one).toContain("echo 0 > /proc/sys/net/ipv4/conf/all/accept_redirects\n");
    for (const [key, [, why]] of Object.entries(hardeningSysctl)) expect(why, key).toMatch(/\w{3}/);
  });
});

describe("setuid and setgid files", () => {
  it("are none by default, and a system lists each one it needs with its reason", () => {
    expect(build(defineSystem({ imports: [base] })).config.rootfs.setuid).toEqual({});
    const su = build(defineSystem({ imports: [base], rootfs: { setuid: { "/usr/bin/su": "operators become root" } } }));
    expect(su.config.rootfs.setuid).toEqual({ "/usr/bin/su": "operators become root" });
  });
});
