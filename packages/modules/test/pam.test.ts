// libpam-modules' file selection follows the PAM files of the configuration:
// a module named there stays, and a PAM file the evaluation cannot read
// keeps every module.
import { describe, expect, it } from "vitest";
import { defineSystem, evalSystem } from "@notos/core";
import { base, openssh } from "../src/index.js";
import { pamModuleFiles, pamModulesNamed } from "../src/pam.js";

type Etc = Record<string, { text?: string; target?: string; enable?: boolean }>;
const selection = (etc: Etc) => evalSystem(defineSystem({ imports: [base, openssh()], environment: { etc } })).config.rootfs.packageFiles["libpam-modules"]!;

describe("the PAM modules a system keeps", () => {
  it("reads module names outside comments, also given with a path", () => {
    expect(pamModulesNamed("auth required pam_unix.so nullok # pam_wheel.so\n# session pam_mail.so\nsession optional /lib/security/pam_motd.so\n-session optional pam_systemd.so\n")).toEqual([
      "pam_motd.so",
      "pam_systemd.so",
      "pam_unix.so",
    ]);
  });

  it("keeps the modules sshd's and the common PAM files name, those of the packages' own PAM files, and /etc/security", () => {
    const { keep, for: dependents } = selection({});
    expect(keep).toEqual(expect.arrayContaining(["/etc/**", "/usr/lib/*/security/pam_unix.so", "/usr/lib/*/security/pam_loginuid.so", "/usr/lib/*/security/pam_rootok.so", "/usr/lib/*/security/pam_deny.so"]));
    expect(keep).not.toContain("/usr/lib/*/security/pam_faillock.so");
    expect(keep).not.toContain("/usr/lib/*/security/pam_userdb.so");
    expect(dependents).toEqual(["libpam-runtime", "openssh-server", "passwd"]);
  });

  it("keeps a module that a PAM file of the configuration names", () => {
    expect(selection({ "pam.d/login": { text: "auth required pam_faillock.so preauth\n" } }).keep).toContain("/usr/lib/*/security/pam_faillock.so");
    // A disabled file names nothing.
    expect(selection({ "pam.d/login": { text: "auth required pam_faillock.so\n", enable: false } }).keep).not.toContain("/usr/lib/*/security/pam_faillock.so");
  });

  it("keeps every module but pam_userdb when a PAM file is a host file or a link", () => {
    const linked = pamModuleFiles({ "pam.d/login": { enable: true } });
    expect(linked).toEqual({ drop: ["/usr/lib/*/security/pam_userdb.so"], reason: expect.stringContaining("host file or a link") });
    expect(selection({ "pam.d/login": { target: "/etc/pam.d/other" } }).keep).toBeUndefined();
  });
});
