// Keys the user owns: one RSA 3072 key and a self-signed X.509 certificate
// for it, kept outside any repository — by default in the user's config
// directory ($XDG_CONFIG_HOME/notos/keys, else ~/.config/notos/keys), or the
// directory NOTOS_SIGNING_KEYS names. The same pair signs the UKI for Secure
// Boot (sbsign; OVMF and shim-less firmware take RSA 2048–4096 with SHA-256)
// and dist/SHA256SUMS for runvm (openssl, RSA PKCS#1 v1.5: deterministic,
// so builds stay byte-identical). Builders only ever see the certificate's
// digest in their store keys; the private key is read by the signing tool
// from where the user keeps it and never copied.
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { runProgram } from "@notos/core/process";
import { KeyError } from "./errors.js";

export const KEY_FILE = "notos.key";
export const CERT_FILE = "notos.crt";

/** The directory of the user's signing keys: NOTOS_SIGNING_KEYS, else $XDG_CONFIG_HOME/notos/keys, else ~/.config/notos/keys. */
export function keyDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NOTOS_SIGNING_KEYS) return resolve(env.NOTOS_SIGNING_KEYS);
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(config, "notos", "keys");
}

export interface SigningKey {
  /** The private key's file (PEM, mode 0600). Read by openssl and sbsign, never by a builder. */
  key: string;
  /** The certificate's file (PEM). */
  certificate: string;
  /** The certificate, DER. */
  der: Uint8Array;
  /** sha256 of the DER certificate: what store keys and runvm messages name. */
  fingerprint: string;
  subject: string;
}

/** The certificate of a PEM or DER file, with its fingerprint. */
export function readCertificate(file: string): { der: Uint8Array; fingerprint: string; subject: string } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(file));
  } catch (cause) {
    throw new KeyError(`${file} is not an X.509 certificate.`, { code: "KEY_CERT", hint: "make one with `notos keygen`", cause });
  }
  const der = new Uint8Array(cert.raw);
  return { der, fingerprint: createHash("sha256").update(der).digest("hex"), subject: cert.subject };
}

/** The user's signing key, or undefined when the directory holds none. A certificate without its key is an error. */
export function findSigningKey(dir: string = keyDirectory()): SigningKey | undefined {
  const key = join(dir, KEY_FILE);
  const certificate = join(dir, CERT_FILE);
  if (!existsSync(key) && !existsSync(certificate)) return undefined;
  if (!existsSync(key) || !existsSync(certificate)) {
    throw new KeyError(`${dir} holds ${existsSync(key) ? KEY_FILE : CERT_FILE} without ${existsSync(key) ? CERT_FILE : KEY_FILE}.`, {
      code: "KEY_PAIR",
      hint: "restore the missing file, or move the directory away and run `notos keygen` for a new pair",
    });
  }
  return { key, certificate, ...readCertificate(certificate) };
}

export interface KeygenOptions {
  /** Where to write notos.key and notos.crt; default keyDirectory(). */
  dir?: string;
  /** The certificate's common name. */
  commonName?: string;
  /** Validity in days (firmware does not check it; openssl wants one). */
  days?: number;
}

/** Make a new key pair; refuses to overwrite an existing one. */
export async function keygen(options: KeygenOptions = {}): Promise<SigningKey> {
  const dir = options.dir ?? keyDirectory();
  const key = join(dir, KEY_FILE);
  const certificate = join(dir, CERT_FILE);
  for (const f of [key, certificate]) {
    if (existsSync(f)) throw new KeyError(`${f} exists; keygen never overwrites a key.`, { code: "KEY_EXISTS", hint: "use that key, or move it away first (everything signed with it will then be refused)" });
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${key}.${process.pid}.tmp`;
  // The key file is created 0600 before a byte is written to it.
  await (await fs.open(tmp, "wx", 0o600)).close();
  try {
    await openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", tmp]);
    await fs.chmod(tmp, 0o600);
    const subject = `/CN=${(options.commonName ?? "notos signing key").replace(/[/\\]/g, " ")}`;
    await openssl(["req", "-new", "-x509", "-key", tmp, "-sha256", "-days", String(options.days ?? 3650), "-subj", subject, "-out", certificate]);
    await fs.rename(tmp, key);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    await fs.rm(certificate, { force: true });
    throw error;
  }
  return findSigningKey(dir)!;
}

async function openssl(args: readonly string[]): Promise<void> {
  const r = await runProgram("openssl", args, { env: { LC_ALL: "C" }, reject: false });
  if (r.startError?.code === "ENOENT") throw new KeyError("openssl is not installed; keygen needs it.", { code: "KEY_TOOL", hint: "install the Debian package openssl (npm run setup does)" });
  if (r.exitCode !== 0 || r.startError) throw new KeyError(`openssl failed: ${r.command}\n${r.stderr.toString("utf8").trim()}`, { code: "KEY_TOOL_FAILED", hint: "its message is above" });
}
