// Identifiers that come from content, never from a clock or a random source:
// a UUID (RFC 4122 layout, version 5-style bits) from a sha256 of the
// document, so the same build gives the same serial number and namespace.
import { createHash } from "node:crypto";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function contentUuid(content: string): string {
  const h = sha256Hex(content).slice(0, 32).split("");
  h[12] = "5"; // version
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** A purl for a Debian binary package (purl-spec "deb" type). */
export function debPurl(p: { name: string; version: string; architecture: string }, distro: string): string {
  const q = [`arch=${encodeURIComponent(p.architecture || "all")}`, `distro=${encodeURIComponent(distro)}`].join("&");
  return `pkg:deb/debian/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}?${q}`;
}
