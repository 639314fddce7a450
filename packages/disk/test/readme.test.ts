// The README's "A GPT of your own" block, run as written from a temporary
// directory holding a root.squashfs: the disk it writes reads back with the
// partition it was given.
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { PARTITION_TYPES, SECTOR, guidFrom, readGpt } from "../src/public/gpt.js";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";

const HEADING = "## A GPT of your own";
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it("README: a GPT of your own runs and writes a disk with the root partition", async () => {
  const dir = await mkdtemp(join(tmpdir(), "notos-disk-readme-"));
  dirs.push(dir);
  const root = randomBytes(3 * 1024 * 1024 + 17);
  await writeFile(join(dir, "root.squashfs"), root);
  await runExampleIn(dir, exampleUnder(readme, HEADING));
  const disk = readFileSync(join(dir, "disk.img"));
  const table = readGpt((offset, length) => disk.subarray(offset, offset + length));
  expect(table.entries).toHaveLength(1);
  const [p] = table.entries;
  expect(p).toMatchObject({ name: "notos-root", type: PARTITION_TYPES.rootX86_64, guid: guidFrom("root", root) });
  expect(disk.subarray(p!.firstLba * SECTOR, p!.firstLba * SECTOR + root.length).equals(root)).toBe(true);
});
