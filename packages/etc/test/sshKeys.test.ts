import { describe, expect, it } from "vitest";
import { sshKeyProblem } from "../src/sshKeys.js";
import { ECDSA, ED25519, RSA } from "./keys.js";

describe("sshKeyProblem", () => {
  it("accepts ed25519, rsa and ecdsa public keys, with or without a comment or options", () => {
    for (const key of [ED25519, RSA, ECDSA, ED25519.split(" ").slice(0, 2).join(" "), `from="10.0.2.2,127.0.0.1",no-pty ${ED25519}`]) {
      expect(sshKeyProblem(key), key).toBeUndefined();
    }
  });

  it("rejects a line whose type does not match the type inside the key data", () => {
    const [, data] = ED25519.split(" ");
    expect(sshKeyProblem(`ssh-rsa ${data}`)).toMatch(/says "ssh-rsa" but its data holds a "ssh-ed25519" key/);
  });

  it("rejects broken base64, a missing blob, unknown types, private keys and several lines", () => {
    expect(sshKeyProblem("ssh-ed25519 AAAA!!notbase64")).toMatch(/not valid base64/);
    expect(sshKeyProblem("ssh-ed25519")).toMatch(/no base64 data/);
    expect(sshKeyProblem("ssh-foo AAAAC3NzaC1lZDI1NTE5")).toMatch(/not an SSH public key/);
    expect(sshKeyProblem("-----BEGIN OPENSSH PRIVATE KEY-----")).toMatch(/private key/);
    expect(sshKeyProblem(`${ED25519}\n${RSA}`)).toMatch(/one line/);
    // A well-formed blob that holds only the type name.
    const bare = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519")]).toString("base64");
    expect(sshKeyProblem(`ssh-ed25519 ${bare}`)).toMatch(/no key material/);
  });
});
