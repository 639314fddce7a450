// /etc/pam.d/common-*: what libpam-runtime's postinst (pam-auth-update)
// writes with only pam_unix enabled. Services such as sshd and su include
// these; without them every PAM login fails.
const file = (text: string) => ({ text });

export const pamCommonFiles = {
  "pam.d/common-auth": file(`# Authentication for all services (pam-auth-update's default, written by notos).
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite			pam_deny.so
auth	required			pam_permit.so
`),
  "pam.d/common-account": file(`# Account checks for all services (pam-auth-update's default, written by notos).
account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so
account	requisite			pam_deny.so
account	required			pam_permit.so
`),
  "pam.d/common-password": file(`# Password changes for all services (pam-auth-update's default, written by notos).
password	[success=1 default=ignore]	pam_unix.so obscure yescrypt
password	requisite			pam_deny.so
password	required			pam_permit.so
`),
  "pam.d/common-session": file(`# Sessions for all services (pam-auth-update's default, written by notos).
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	required			pam_unix.so
`),
  "pam.d/common-session-noninteractive": file(`# Non-interactive sessions (pam-auth-update's default, written by notos).
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	required			pam_unix.so
`),
};

/**
 * The PAM modules that PAM files of the packages name where the
 * configuration does not replace them: util-linux's su, su-l, runuser and
 * runuser-l, and libpam-runtime's `other` (which includes the common-* files).
 */
const PACKAGED_PAM_MODULES = ["pam_env.so", "pam_keyinit.so", "pam_limits.so", "pam_mail.so", "pam_rootok.so", "pam_unix.so"];

/** The `pam_*.so` modules a PAM file names, comments left out. */
export function pamModulesNamed(text: string): string[] {
  const named = new Set<string>();
  for (const line of text.split("\n")) {
    for (const m of line.replace(/#.*/, "").matchAll(/(?:^|[\s/])(pam_[A-Za-z0-9_]+\.so)\b/g)) named.add(m[1]!);
  }
  return [...named].sort();
}

type EtcEntries = Readonly<Record<string, { text?: string | undefined; enable?: boolean } | undefined>>;

/**
 * libpam-modules' file selection, from the configuration: the modules its
 * /etc/pam.d files and the packages' own PAM files name stay, with
 * pam_deny and pam_permit (the common-* stacks). A PAM file the
 * configuration gives as a host file or a link cannot be read here, so
 * then every module stays.
 */
export function pamModuleFiles(etc: EtcEntries) {
  const pamFiles = Object.entries(etc).filter(([path, entry]) => path.startsWith("pam.d/") && entry !== undefined && entry.enable !== false);
  if (pamFiles.some(([, entry]) => entry!.text === undefined)) {
    return { drop: ["/usr/lib/*/security/pam_userdb.so"], reason: "a PAM file of the configuration is a host file or a link, so every module stays but pam_userdb (passwords in a Berkeley DB file), which needs libdb5.3" };
  }
  const modules = new Set([...PACKAGED_PAM_MODULES, "pam_deny.so", "pam_permit.so", ...pamFiles.flatMap(([, entry]) => pamModulesNamed(entry!.text!))]);
  return {
    // Its configuration files (/etc/security) stay too.
    keep: ["/etc/**", "/usr/share/**", ...[...modules].sort().map((m) => `/usr/lib/*/security/${m}`)],
    reason: "the PAM modules that no PAM file of the system names are never loaded; a module named in environment.etc.\"pam.d/…\" stays",
  };
}
