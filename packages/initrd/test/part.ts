// A small initrd part for tests: a builder with the "initrd-part" role whose
// archive (gzip newc) holds one file below /root-layers, as the root's
// layers do — enough to see the kernel unpack it after the base archive and
// stage 1 put it above the root image.
import { join } from "node:path";
import { defineBuilder } from "@notos/core";
import { cpioChunks, planCpio, writeCompressed } from "@notos/cpio";
import { INITRD_PART_ROLE, type InitrdPartArtifact } from "../src/index.js";

export const PART_FILE = "/etc/notos-test-layer";

export function testPart(text: string) {
  return defineBuilder({
    name: "test-part",
    version: `1-${text}`,
    reads: [],
    roles: [INITRD_PART_ROLE],
    async build({ out }): Promise<{ entries: number }> {
      const records = planCpio([
        { path: "/root-layers", type: "dir", mode: 0o755, uid: 0, gid: 0 },
        { path: "/root-layers/etc", type: "dir", mode: 0o755, uid: 0, gid: 0 },
        { path: `/root-layers${PART_FILE}`, type: "file", mode: 0o640, uid: 0, gid: 42, content: new TextEncoder().encode(`${text}\n`) },
      ]);
      await writeCompressed(cpioChunks(records), "gzip", join(out, "part.cpio.gz"));
      return { entries: records.length };
    },
    artifact: (entry): InitrdPartArtifact => ({ builder: entry.builder, path: entry.path, digest: entry.digest, cached: entry.cached, archive: join(entry.path, "part.cpio.gz"), entries: entry.meta.entries }),
  });
}
