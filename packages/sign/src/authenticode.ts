// Authenticode signatures of EFI programs, written here rather than by
// sbsign: sbsign stamps the signing time into the signature (OpenSSL adds a
// signingTime attribute it cannot be told to leave out), so two builds of
// the same UKI would differ. This writer signs exactly what Secure Boot
// checks — the PE image's Authenticode digest inside an SpcIndirectDataContent,
// with the contentType and messageDigest attributes and nothing else — with
// RSA PKCS#1 v1.5 and SHA-256, which is deterministic: same image, same key,
// same bytes. sbverify and OVMF check what it writes (the tests run both).
// References: Microsoft's "Windows Authenticode Portable Executable
// Signature Format"; PKCS #7 (RFC 2315) SignedData; edk2's
// DxeImageVerificationLib (which bytes of the image are hashed).
import { createHash, sign as rsaSign, X509Certificate, type KeyObject } from "node:crypto";
import { SignError } from "./errors.js";
import { peChecksum, readPe, type PeInfo } from "@notos/disk/pe";

// ------------------------------------------------------------------ DER

const der = (tag: number, ...parts: Uint8Array[]): Buffer => {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
};
const seq = (...p: Uint8Array[]) => der(0x30, ...p);
const set = (...p: Uint8Array[]) => der(0x31, ...p);
const octets = (b: Uint8Array) => der(0x04, b);
const int = (n: number) => der(0x02, Buffer.from([n]));
const NULL = Buffer.from([0x05, 0x00]);
const explicit = (n: number, ...p: Uint8Array[]) => der(0xa0 + n, ...p);
function oid(text: string): Buffer {
  const [a, b, ...rest] = text.split(".").map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const base128 = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

const OID = {
  signedData: "1.2.840.113549.1.7.2",
  sha256: "2.16.840.1.101.3.4.2.1",
  rsaEncryption: "1.2.840.113549.1.1.1",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  spcIndirectData: "1.3.6.1.4.1.311.2.1.4",
  spcPeImageData: "1.3.6.1.4.1.311.2.1.15",
  spcSpOpusInfo: "1.3.6.1.4.1.311.2.1.12",
} as const;

/** One DER element at `at`: where its value starts and ends. */
function element(b: Uint8Array, at: number): { tag: number; start: number; end: number } {
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i]!;
    start += n;
  }
  return { tag, start, end: start + len };
}

/** The issuer Name and serial number INTEGER of a DER certificate, as DER. */
function issuerAndSerial(cert: Uint8Array): Buffer {
  const c = element(cert, 0); // Certificate
  const tbs = element(cert, c.start); // TBSCertificate
  let at = tbs.start;
  const first = element(cert, at);
  if (first.tag === 0xa0) at = first.end; // [0] version
  const serial = element(cert, at);
  const sigAlg = element(cert, serial.end);
  const issuer = element(cert, sigAlg.end);
  return seq(Buffer.from(cert.subarray(sigAlg.end, issuer.end)), Buffer.from(cert.subarray(at, serial.end)));
}

// ------------------------------------------------------------------ PE

const malformed = (what: string) => new SignError(`Not a PE32+ EFI program: ${what}.`, { code: "SIGN_PE", hint: "sign the UKI that @notos/disk's disk-uki builder writes" });

interface PeLayout {
  checksum: number;
  certDir: number;
  sizeOfHeaders: number;
  sections: { offset: number; size: number }[];
  certTable: { offset: number; size: number };
}

/** The parts of the image Authenticode hashes around, from @notos/disk's PE reader. */
function peLayout(image: Uint8Array): PeLayout {
  let pe: PeInfo;
  try {
    pe = readPe(image);
  } catch (error) {
    throw malformed(error instanceof Error ? error.message.replace(/^The EFI stub is not a PE32\+ image: |\.$/g, "") : String(error));
  }
  if (!pe.certificateTable) throw malformed("no certificate table directory");
  const sections = pe.sections.filter((s) => s.rawSize > 0).map((s) => ({ offset: s.rawOffset, size: s.rawSize }));
  sections.sort((a, b) => a.offset - b.offset);
  const { entryOffset, offset, size } = pe.certificateTable;
  return { checksum: pe.checksumOffset, certDir: entryOffset, sizeOfHeaders: pe.sizeOfHeaders, sections, certTable: { offset, size } };
}

/**
 * The Authenticode SHA-256 digest of a PE image, as UEFI firmware computes
 * it: the headers without the checksum and the certificate table's
 * directory entry, the sections in file order, then whatever follows them
 * up to the certificate table.
 */
export function authenticodeDigest(image: Uint8Array): Buffer {
  const l = peLayout(image);
  const h = createHash("sha256");
  h.update(image.subarray(0, l.checksum));
  h.update(image.subarray(l.checksum + 4, l.certDir));
  h.update(image.subarray(l.certDir + 8, l.sizeOfHeaders));
  let hashed = l.sizeOfHeaders;
  for (const s of l.sections) {
    h.update(image.subarray(s.offset, s.offset + s.size));
    hashed += s.size;
  }
  const end = image.length - l.certTable.size;
  if (end > hashed) h.update(image.subarray(hashed, end));
  return h.digest();
}

export interface AuthenticodeSigner {
  /** The private key (a KeyObject or PEM). Only ever held in memory. */
  key: KeyObject | string | Buffer;
  /** The signer's certificate, DER; it goes into the signature. */
  certificate: Uint8Array;
}

/**
 * `image` (an unsigned PE32+ program) with an Authenticode signature by
 * `signer` appended as its certificate table. Deterministic.
 */
export function signPe(image: Uint8Array, signer: AuthenticodeSigner): Buffer {
  const layout = peLayout(image);
  if (layout.certTable.size !== 0) {
    throw new SignError("The EFI program is already signed.", { code: "SIGN_ALREADY_SIGNED", hint: "sign the unsigned UKI (the disk-uki builder's); a second signature is not what firmware checks" });
  }
  // The certificate table starts 8-byte aligned; the padding is part of the hashed image.
  const padded = Buffer.alloc(Math.ceil(image.length / 8) * 8);
  padded.set(image);
  const digest = authenticodeDigest(padded);

  const algorithm = seq(oid(OID.sha256), NULL);
  const obsolete = Buffer.from("<<<Obsolete>>>", "utf16le").swap16(); // BMPString is big-endian
  const peImageData = seq(der(0x03, Buffer.from([0])), explicit(0, der(0xa2, der(0x80, obsolete))));
  const indirect = seq(seq(oid(OID.spcPeImageData), peImageData), seq(algorithm, octets(digest)));
  // The signed digest is over the content's value, without its tag and length (Authenticode's rule).
  const inner = element(indirect, 0);
  const contentDigest = createHash("sha256").update(indirect.subarray(inner.start)).digest();
  const attributes = [seq(oid(OID.contentType), set(oid(OID.spcIndirectData))), seq(oid(OID.spcSpOpusInfo), set(seq())), seq(oid(OID.messageDigest), set(octets(contentDigest)))].sort(Buffer.compare);
  const signature = rsaSign("sha256", set(...attributes), signer.key);
  new X509Certificate(Buffer.from(signer.certificate)); // a malformed certificate fails here, with Node's message
  const signerInfo = seq(int(1), issuerAndSerial(signer.certificate), algorithm, der(0xa0, ...attributes), seq(oid(OID.rsaEncryption), NULL), octets(signature));
  const signedData = seq(int(1), set(algorithm), seq(oid(OID.spcIndirectData), explicit(0, indirect)), der(0xa0, Buffer.from(signer.certificate)), set(signerInfo));
  const pkcs7 = seq(oid(OID.signedData), explicit(0, signedData));

  // WIN_CERTIFICATE: dwLength, wRevision 0x0200, wCertificateType 2 (PKCS_SIGNED_DATA), then the signature, padded to 8.
  const certificate = Buffer.alloc(Math.ceil((8 + pkcs7.length) / 8) * 8);
  certificate.writeUInt32LE(8 + pkcs7.length, 0);
  certificate.writeUInt16LE(0x0200, 4);
  certificate.writeUInt16LE(0x0002, 6);
  pkcs7.copy(certificate, 8);
  const out = Buffer.concat([padded, certificate]);
  out.writeUInt32LE(padded.length, layout.certDir);
  out.writeUInt32LE(certificate.length, layout.certDir + 4);
  out.writeUInt32LE(peChecksum(out), layout.checksum);
  return out;
}
