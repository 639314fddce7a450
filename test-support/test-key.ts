// One ssh key for the tests of the packages that build the disk system
// (disk, sign): the same authorized key gives the same root, so the second
// package's build is all store hits. Made once per machine, outside any image.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function testKey(): string {
  const dir = join(tmpdir(), "notos-disk-test-key");
  const key = join(dir, "id_ed25519");
  if (!existsSync(`${key}.pub`)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    rmSync(key, { force: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "notos-disk-test", "-f", key]);
  }
  return key;
}
