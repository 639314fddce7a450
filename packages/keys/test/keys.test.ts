// keygen as a user runs it: a key pair in a directory of its own, the
// private key 0600 from its first byte, never overwritten; the pair signs
// and verifies with openssl, the tool runvm checks with; and the directory
// is found the way builds and runvm find it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CERT_FILE, KEY_FILE, KeyError, findSigningKey, keyDirectory, keygen } from "../src/index.js";

const scratch = () => mkdtempSync(join(tmpdir(), "notos-keys-"));

describe("keygen", () => {
  it("writes an RSA 3072 key (0600) and a self-signed certificate, and refuses to overwrite them", async () => {
    const dir = join(scratch(), "keys");
    const made = await keygen({ dir, commonName: "test owner" });
    expect(made.key).toBe(join(dir, KEY_FILE));
    expect(statSync(made.key).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const text = execFileSync("openssl", ["x509", "-in", made.certificate, "-noout", "-text"], { encoding: "utf8" });
    expect(text).toMatch(/Public-Key: \(3072 bit\)/);
    expect(text).toMatch(/Subject: CN ?= ?test owner/);
    expect(made.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const before = readFileSync(made.key);
    await expect(keygen({ dir })).rejects.toMatchObject({ code: "KEY_EXISTS" });
    expect(readFileSync(made.key)).toEqual(before);

    // openssl signs with the key and verifies with the certificate's public key (what runvm does).
    const data = join(dir, "data");
    writeFileSync(data, "hello\n");
    execFileSync("openssl", ["dgst", "-sha256", "-sign", made.key, "-out", `${data}.sig`, data]);
    const pub = execFileSync("openssl", ["x509", "-in", made.certificate, "-pubkey", "-noout"]);
    writeFileSync(join(dir, "pub.pem"), pub);
    expect(execFileSync("openssl", ["dgst", "-sha256", "-verify", join(dir, "pub.pem"), "-signature", `${data}.sig`, data], { encoding: "utf8" })).toMatch(/Verified OK/);
  });

  it("finds the pair where builds look, and calls half a pair an error", async () => {
    const dir = join(scratch(), "keys");
    expect(findSigningKey(dir)).toBeUndefined();
    const made = await keygen({ dir });
    expect(findSigningKey(dir)).toMatchObject({ key: made.key, certificate: made.certificate, fingerprint: made.fingerprint });
    rmSync(join(dir, KEY_FILE));
    expect(() => findSigningKey(dir)).toThrow(KeyError);
    expect(() => findSigningKey(dir)).toThrow(/notos\.crt without notos\.key/);
    expect(CERT_FILE).toBe("notos.crt");
  });

  it("lives in NOTOS_SIGNING_KEYS, else the user's config directory", () => {
    expect(keyDirectory({ NOTOS_SIGNING_KEYS: "/k" })).toBe("/k");
    expect(keyDirectory({ XDG_CONFIG_HOME: "/c", HOME: "/h" })).toBe("/c/notos/keys");
    expect(keyDirectory({ HOME: "/h" })).toBe("/h/.config/notos/keys");
  });
});
