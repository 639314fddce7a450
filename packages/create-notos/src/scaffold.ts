// The project a new user starts from, computed as data: the template's files
// with the project's name, the user's SSH keys and the package manager filled
// in. Nothing here touches the disk, so the tests compare whole files.

/** One file of the new project: its path relative to the project and its text. */
export interface ProjectFile {
  path: string;
  text: string;
}

export interface ScaffoldOptions {
  /** The template's files as they are on disk (`gitignore` is stored without its dot: npm leaves `.gitignore` out of tarballs). */
  template: readonly ProjectFile[];
  /** The npm package name of the project. */
  name: string;
  /** Public keys for root's `authorized_keys`, one line each. */
  authorizedKeys: readonly string[];
  /** Where the keys came from, for the comment above them. */
  keySource?: string;
  /** `packageManager` of package.json (turbo refuses to run without it), e.g. `npm@11.19.1`. */
  packageManager: string;
}

/** Public key lines: `type base64 [comment]` of the types OpenSSH writes into `*.pub` files. */
const KEY_LINE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+=* ?[^\n]*$/;

export function isPublicKey(line: string): boolean {
  return KEY_LINE.test(line.trim());
}

/** The valid npm package name for a directory name, or undefined when there is none. */
export function packageName(dir: string): string | undefined {
  const name = dir
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|-+$/g, "");
  return name && name.length <= 214 ? name : undefined;
}

/** The system's name (its host name in os-release and runvm's banner): letters, digits and dashes. */
export function systemName(name: string): string {
  return name.replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "notos";
}

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template placeholder ${whole} has no value`);
    return value;
  });

export function scaffold(options: ScaffoldOptions): ProjectFile[] {
  const keys = options.authorizedKeys.map((k) => k.trim());
  const bad = keys.find((k) => !isPublicKey(k));
  if (bad !== undefined) throw new Error(`not an SSH public key: ${bad.slice(0, 40)}`);
  const values = {
    name: options.name,
    systemName: systemName(options.name),
    packageManager: options.packageManager,
    authorizedKeys: keys.length ? `\n${keys.map((k) => `        ${JSON.stringify(k)},`).join("\n")}\n      ` : "",
    keysComment: keys.length
      ? `Who may log in as root (from ${options.keySource ?? "your public keys"}).`
      : 'No key was found in ~/.ssh: put yours here ("ssh-ed25519 AAAA… you@host"), then `npm run dist`.',
  };
  return options.template
    .map((f) => ({ path: f.path === "gitignore" ? ".gitignore" : f.path, text: fill(f.text, values) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
