import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, NotosError, defineSystem, evalSystem, mkForce, type Module } from "@notos/core";
import { fileText, type TreeEntry } from "@notos/core/tree";
import { etcLayer } from "@notos/etc";
import { runitLayer } from "@notos/runit";
import { autohalt, base, nginx, openssh, qemuGuest } from "../src/index.js";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOY6eFprMdIQ9L6AyXCyuVub6ni3MyhfnZfT8h7FBYuY test@notos";
const text = fileText;
const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
const find = (entries: TreeEntry[], path: string) => entries.find((e) => e.path === path);

function build(root: Module) {
  const { config, definitions } = evalSystem(root);
  return { config, etc: etcLayer(config, { definitions }).entries, runit: runitLayer(config, { definitions }).entries };
}

describe("the standard system (base, qemuGuest, openssh, nginx)", () => {
  const system = defineSystem({
    imports: [base, qemuGuest, openssh({ authorizedKeys: [KEY] }), nginx()],
    system: { name: "webbox" },
  });
  const { config, etc, runit } = build(system);

  it("evaluates to a configuration whose etc and runit layers build", () => {
    expect(config.environment.packages).toEqual(expect.arrayContaining(["runit", "bash", "dash", "mount", "openssh-server", "nginx-light", "openssl"]));
    expect(etc.length).toBeGreaterThan(10);
    expect(runit.length).toBeGreaterThan(10);
  });

  it("has root with a home, bash and the configured key; sshd and www-data as Debian makes them", () => {
    expect(text(find(etc, "/etc/passwd"))).toBe(
      [
        "root:x:0:0:root:/root:/bin/bash",
        "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
        "sshd:x:100:65534:sshd privilege separation:/run/sshd:/usr/sbin/nologin",
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
        "",
      ].join("\n"),
    );
    expect(find(etc, "/root")).toMatchObject({ type: "dir", mode: 0o700, uid: 0 });
    expect(text(find(etc, "/etc/ssh/authorized_keys.d/root"))).toBe(KEY + "\n");
    expect(text(find(etc, "/etc/shadow"))).toMatch(/^root:!:/);
    expect(find(etc, "/etc/shadow")).toMatchObject({ mode: 0o640, gid: 42 });
  });

  it("configures QEMU's user network and the serial console", () => {
    expect(config.networking.interfaces).toEqual({ eth0: { dhcp: false, address: "10.0.2.15/24", gateway: "10.0.2.2" } });
    expect(text(find(etc, "/etc/resolv.conf"))).toContain("nameserver 10.0.2.3\n");
    expect(config.boot.kernelParams).toEqual(["console=ttyS0", "panic=1", "quiet", "acpi=noirq", "cryptomgr.notests", "i8042.noaux", "8250.nr_uarts=1"]);
    expect(config.boot.initrd.kernelModules.slice(0, 5)).toEqual(["virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_ring", "virtio", "virtio_pci"]);
    expect(config.boot.initrd.kernelModules).toEqual(expect.arrayContaining(["virtio_blk", "virtio_net", "net_failover", "squashfs", "overlay", "loop"]));
    expect(config.qemu.forwards.map((f) => `${f.host}->${f.guest}`)).toEqual(["2222->22", "9080->80", "9443->443"]);
  });

  it("configures sshd for keys only, with the host key made at boot", () => {
    const sshd = text(find(etc, "/etc/ssh/sshd_config"));
    for (const line of [
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "HostKey /etc/ssh/ssh_host_ed25519_key",
      "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u",
    ]) {
      expect(sshd).toContain(line + "\n");
    }
    expect(sshd.match(/^HostKey /gm)).toHaveLength(1);
    expect(etc.some((e) => e.path.startsWith("/etc/ssh/ssh_host_"))).toBe(false);
    // sshd's run script makes the key, then starts sshd: nothing else waits for it.
    const run = text(find(runit, "/etc/sv/sshd/run"));
    // Made under its own name, no rename: a public key there says the private key was written whole.
    expect(run).toContain("if [ ! -s /etc/ssh/ssh_host_ed25519_key ] || [ ! -s /etc/ssh/ssh_host_ed25519_key.pub ]; then\n");
    expect(run.indexOf("ssh-keygen -q -t ed25519 -N '' -C '' -f /etc/ssh/ssh_host_ed25519_key || exit 1\n")).toBeLessThan(run.indexOf("exec /usr/sbin/sshd -D -e\n"));
    expect(run).not.toMatch(/\bmv\b/);
    expect(text(find(runit, "/etc/runit/1"))).toMatch(/^mkdir -p .*\/run\/sshd\b.*\nchmod 0755 .*\nchown 0:0 /m);
    expect(text(find(etc, "/etc/pam.d/common-account"))).toContain("pam_unix.so");
    // Logins run no update-motd scripts; the static motd stays.
    const pam = text(find(etc, "/etc/pam.d/sshd"));
    expect(pam).toContain("@include common-auth\n");
    expect(pam).toContain("pam_motd.so noupdate\n");
    expect(pam).not.toMatch(/motd\.dynamic|pam_selinux/);
  });

  it("runs nginx in the foreground with its directories and a certificate made at boot", () => {
    // Stray workers are killed only when the master did not exit by itself.
    expect(text(find(runit, "/etc/sv/nginx/finish"))).toContain('[ "$1" = 0 ] || pkill -KILL -x nginx || true\n');
    const run = text(find(runit, "/etc/sv/nginx/run"));
    // The certificate is made in the background, at a lower priority, while nginx starts.
    expect(run).toMatch(/\n\(\n[\s\S]*renice -n 10 -p "\$self"[\s\S]*openssl req -x509[\s\S]*mv -f \/var\/lib\/notos\/tls\/nginx.crt.new \/var\/lib\/notos\/tls\/nginx.crt\n[\s\S]*kill -HUP "\$nginx"\n[\s\S]*\) &\nexec \/usr\/sbin\/nginx -g 'daemon off;'\n$/);
    // http is served from the start; the TLS server comes in through /run/nginx-tls once the certificate exists.
    const conf = text(find(etc, "/etc/nginx/nginx.conf"));
    expect(conf).toContain("listen 80 default_server;");
    expect(conf).not.toMatch(/listen 443|ssl_certificate/);
    expect(conf).toContain("include /run/nginx-tls/*.conf;");
    const tls = text(find(etc, "/etc/nginx/notos-tls.conf"));
    expect(tls).toContain("listen 443 ssl default_server;");
    expect(tls).toContain("ssl_certificate_key /var/lib/notos/tls/nginx.key;");
    expect(run).toContain("ln -sfn /etc/nginx/notos-tls.conf /run/nginx-tls/tls.conf");
    const one = text(find(runit, "/etc/runit/1"));
    // One mkdir for every directory: /run/nginx-tls (root's, 0755) joins the others.
    expect(one).toMatch(/^mkdir -p .*\/run\/nginx-tls .*\/var\/lib\/nginx \/var\/log\/nginx\nchmod 0755 .*\nchown 0:0 /m);
    expect(one.match(/^mkdir /gm)).toHaveLength(1);
    // nginx's and sshd's scripts run under the boot shell.
    expect(run).toMatch(/^#!\/usr\/lib\/notos\/busybox sh\n/);
    expect(etc.concat(runit).some((e) => e.type === "file" && /PRIVATE KEY/.test(text(e)))).toBe(false);
  });

  it.skipIf(!hasShellcheck)("writes run scripts shellcheck accepts", () => {
    for (const service of ["nginx", "sshd"]) {
      const lint = spawnSync("shellcheck", ["-s", "sh", "-"], { input: text(find(runit, `/etc/sv/${service}/run`)), encoding: "utf8" });
      expect(lint.stdout, service).toBe("");
      expect(lint.status).toBe(0);
    }
  });

  it("leaves runit stage 1 no first-boot task: each service makes what it needs", () => {
    expect(text(find(runit, "/etc/runit/1"))).not.toContain("task ");
    expect(runit.some((e) => e.path.startsWith("/etc/runit/stage-1.d/"))).toBe(false);
  });
});

describe("the nginx default page", () => {
  it("names the system from system.name and system.version, made at build time, escaped", () => {
    const { etc, runit } = build(defineSystem({ imports: [base, nginx()], system: { name: "webbox", version: "1.0 <beta>" } }));
    const page = text(find(etc, "/etc/nginx/notos-www/index.html"));
    expect(page).toContain("<h1>webbox</h1>");
    expect(page).toContain("(version 1.0 &lt;beta&gt;)");
    expect(text(find(etc, "/etc/nginx/nginx.conf"))).toContain("\troot /etc/nginx/notos-www;\n");
    // Nothing to do for it at boot.
    expect(text(find(runit, "/etc/sv/nginx/run"))).not.toContain("index.html");
  });

  it("is the user's to replace", () => {
    const { etc } = build(defineSystem({ imports: [base, nginx()], environment: { etc: { "nginx/notos-www/index.html": { text: "mine\n" } } } }));
    expect(text(find(etc, "/etc/nginx/notos-www/index.html"))).toBe("mine\n");
  });
});

describe("overriding and options", () => {
  it("lets a user replace the QEMU network defaults and sshd_config", () => {
    const { config, etc } = build(
      defineSystem({
        imports: [base, qemuGuest, openssh({ port: 2200, passwordAuthentication: true })],
        networking: { interfaces: { eth0: { dhcp: true } }, nameservers: ["1.1.1.1"] },
        users: { root: { shell: "/bin/sh" } },
      }),
    );
    expect(config.networking.interfaces).toEqual({ eth0: { dhcp: true } });
    expect(config.networking.nameservers).toEqual(["1.1.1.1"]);
    expect(config.users["root"]!.shell).toBe("/bin/sh");
    expect(config.qemu.forwards).toEqual([expect.objectContaining({ host: 2222, guest: 2200 })]);
    expect(text(find(etc, "/etc/ssh/sshd_config"))).toContain("Port 2200\n");
    expect(text(find(etc, "/etc/ssh/sshd_config"))).toContain("PasswordAuthentication yes\n");

    // Without qemuGuest there are no qemu options, and openssh sets no forward.
    expect("qemu" in build(defineSystem({ imports: [base, openssh()] })).config).toBe(false);
    const custom = build(defineSystem({ imports: [base, openssh()], environment: { etc: { "ssh/sshd_config": { text: "Port 22\n" } } } }));
    expect(text(find(custom.etc, "/etc/ssh/sshd_config"))).toBe("Port 22\n");
    const forced = build(defineSystem({ imports: [base, openssh()], users: { sshd: { uid: mkForce(150) } } }));
    expect(forced.config.users["sshd"]!.uid).toBe(150);
  });

  it("leaves /etc/ssh/moduli out unless sshd offers group-exchange key exchange", () => {
    const files = (module: Module) => (build(defineSystem({ imports: [base, module] })).config as { rootfs: { packageFiles: Record<string, { drop?: string[] }> } }).rootfs.packageFiles;
    expect(files(openssh())["openssh-server"]?.drop).toEqual(["/etc/ssh/moduli"]);
    expect(files(openssh({ kexAlgorithms: ["curve25519-sha256", "diffie-hellman-group-exchange-sha256"] }))["openssh-server"]).toBeUndefined();
  });

  it("autohalt powers off after the delay", () => {
    const { runit } = build(defineSystem({ imports: [base, autohalt({ delay: 3 })] }));
    expect(text(find(runit, "/etc/sv/autohalt/run"))).toContain("sleep 3\nexec /usr/sbin/poweroff\n");
    expect(() => autohalt({ delay: -1 })).toThrow(NotosError);
    expect(() => autohalt({ delay: -1 })).toThrow(expect.objectContaining({ code: "MODULE_INVALID", hint: expect.any(String) }));
    expect(() => openssh({ port: 70000 })).toThrow(/port number/);
  });

  it("names the module and option when a module's key is bad", () => {
    try {
      build(defineSystem({ imports: [base, openssh({ authorizedKeys: ["ssh-ed25519 AAAA"] })] }));
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issue = (error as ConfigError).issues[0]!;
      expect(issue.path).toBe("users.root.authorizedKeys[0]");
      expect(issue.files.some((f) => /^module "openssh" \(.*openssh\.ts\)$|^module "openssh" \(.*index\.js\)$/.test(f)), issue.files.join()).toBe(true);
    }
  });
});
