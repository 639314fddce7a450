// `notos keygen [--dir DIR] [--name NAME]`: the user's signing key pair
// (@notos/keys), made outside the repository — by default in
// $XDG_CONFIG_HOME/notos/keys — for @notos/sign to sign builds with and for
// runvm and Secure Boot firmware to check them. It never overwrites a key.
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { keygen, keyDirectory } from "@notos/keys";
import type { CliIO } from "./commands.js";

export async function keygenCommand(args: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: [...args], strict: true, options: { dir: { type: "string" }, name: { type: "string" } } });
  const dir = values.dir !== undefined ? resolve(io.cwd ?? process.cwd(), values.dir) : keyDirectory();
  const key = await keygen({ dir, ...(values.name !== undefined ? { commonName: values.name } : {}) });
  io.stdout(
    `private key: ${key.key} (mode 0600; keep it off the repository and back it up)\n` +
      `certificate: ${key.certificate} (${key.subject}, sha256 ${key.fingerprint})\n` +
      (values.dir !== undefined ? `builds and runvm find it with NOTOS_SIGNING_KEYS=${dir}\n` : "") +
      `builds of systems with @notos/sign's signModule now sign with it; runvm checks what it signed.\n`,
  );
  return 0;
}
