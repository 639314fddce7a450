// Checks that an authorized key is an OpenSSH public key line, so a pasted
// private key, a truncated line or a key of the wrong type is caught at build
// time instead of as a refused login on a running machine.

const KEY_TYPES = new Set([
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
]);

/** Split an authorized_keys line into words; double quotes (in options such as from="a b") group. */
function words(line: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && quoted && i + 1 < line.length) {
      current += c + line[++i];
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if ((c === " " || c === "\t") && !quoted) {
      if (current) out.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  if (current) out.push(current);
  return out;
}

/** The problem with an authorized_keys line, or undefined when it is a valid public key. */
export function sshKeyProblem(line: string): string | undefined {
  if (/[\r\n]/.test(line)) return "an authorized key must be one line";
  if (line.includes("PRIVATE KEY")) return "this is a private key; give the public key (the .pub file)";
  const parts = words(line.trim());
  const at = parts.findIndex((w) => KEY_TYPES.has(w));
  if (at < 0) {
    return `not an SSH public key: expected "<type> <base64> [comment]" with a type of ${[...KEY_TYPES].join(", ")}`;
  }
  if (at > 1) return "only one options field may come before the key type";
  const type = parts[at]!;
  const data = parts[at + 1];
  if (data === undefined) return `the ${type} key has no base64 data`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return `the ${type} key's data is not valid base64`;
  const blob = Buffer.from(data, "base64");
  if (blob.length < 4) return `the ${type} key's data is too short`;
  const nameLength = blob.readUInt32BE(0);
  const embedded = blob.subarray(4, 4 + nameLength).toString("latin1");
  if (4 + nameLength > blob.length || embedded !== type) {
    return `the key says "${type}" but its data holds a ${JSON.stringify(embedded.slice(0, 40))} key`;
  }
  if (blob.length <= 4 + nameLength + 4) return `the ${type} key's data holds no key material`;
  return undefined;
}
