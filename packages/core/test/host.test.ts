// requireHostProgram against real PATHs: a program found where PATH says, a
// missing one named with its Debian package and the alternative.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { findHostProgram, requireHostProgram } from "../src/public/host.js";

const dir = mkdtempSync(join(tmpdir(), "notos-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("finds an executable file on PATH, in PATH's order, and not a file without the x bit", () => {
  writeFileSync(join(dir, "tool"), "#!/bin/sh\n");
  chmodSync(join(dir, "tool"), 0o755);
  writeFileSync(join(dir, "plain"), "");
  expect(findHostProgram("tool", { path: `/nonexistent:${dir}` })).toBe(join(dir, "tool"));
  expect(findHostProgram("plain", { path: dir })).toBeUndefined();
  expect(findHostProgram(join(dir, "tool"), { path: "" })).toBe(join(dir, "tool"));
  expect(findHostProgram("node")).toBeDefined();
});

it("names the Debian package, what needs the program, and the way around it", () => {
  const need = { program: "zstd", debianPackage: "zstd", neededBy: 'boot.initrd.compression "zstd"', alternative: 'choose "gzip"' };
  expect(requireHostProgram({ ...need, program: "tool" }, { path: dir })).toBe(join(dir, "tool"));
  expect(() => requireHostProgram(need, { path: "/nonexistent" })).toThrow(
    expect.objectContaining({
      code: "HOST_PROGRAM_MISSING",
      message: 'zstd is not installed; boot.initrd.compression "zstd" needs it.',
      hint: 'install the Debian package zstd (sudo apt-get install zstd), or choose "gzip"',
    }),
  );
});
