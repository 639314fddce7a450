// A small Debian package for tests, built by the real dpkg-deb: a control
// paragraph, one program, and either its own copyright file or (as Debian's
// metapackages have) its doc directory as a link to another package's.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestDebSpec {
  name: string;
  /** More control fields, one "Field: value" per line. */
  fields?: string;
  /** Its own /usr/share/doc/<name>/copyright, or the package whose doc directory it links to. */
  doc: { copyright: string } | { linkTo: string };
  /** Bytes xz cannot shrink, to make the .deb larger than another. */
  padding?: number;
  /** dpkg-deb's -Z for the data archive (default xz). */
  compression?: "xz" | "zstd" | "gzip" | "none";
}

/** Builds `<dir>/<name>.deb` and returns it as a locked, fetched package. */
export function buildTestDeb(dir: string, spec: TestDebSpec): { name: string; version: string; sha256: string; file: string } {
  const root = join(dir, spec.name);
  mkdirSync(join(root, "DEBIAN"), { recursive: true });
  writeFileSync(join(root, "DEBIAN", "control"), `Package: ${spec.name}\n${spec.fields ?? ""}Version: 1.0-1\nArchitecture: all\nMaintainer: Nobody <nobody@mirror.example>\nDescription: a test package\n`);
  mkdirSync(join(root, "usr", "bin"), { recursive: true });
  writeFileSync(join(root, "usr", "bin", spec.name), "#!/bin/sh\n");
  mkdirSync(join(root, "usr", "share", "doc"), { recursive: true });
  if (spec.padding) writeFileSync(join(root, "usr", "share", "padding"), randomBytes(spec.padding));
  if ("linkTo" in spec.doc) symlinkSync(spec.doc.linkTo, join(root, "usr", "share", "doc", spec.name));
  else {
    mkdirSync(join(root, "usr", "share", "doc", spec.name));
    writeFileSync(join(root, "usr", "share", "doc", spec.name, "copyright"), spec.doc.copyright);
  }
  const file = join(dir, `${spec.name}.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", `-Z${spec.compression ?? "xz"}`, "--build", root, file], { stdio: "pipe" });
  return { name: spec.name, version: "1.0-1", sha256: createHash("sha256").update(readFileSync(file)).digest("hex"), file };
}
