// Every package's test run gets a temporary directory of its own, and
// everything the tests leave in it goes when the run ends. Tests make their
// work directories with mkdtemp(tmpdir()) and many keep them for a failure's
// post-mortem; without this, a suite that builds systems left about a
// gigabyte behind per run, and runs on one machine filled its disk. The
// workers and every program they start see TMPDIR, which os.tmpdir() reads.
// Set NOTOS_KEEP_TEST_TMP=1 to keep the directory (its path is printed).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "notos-test-"));
  // Open to every user, sticky, as /tmp itself is: tests run programs as nobody.
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.NOTOS_KEEP_TEST_TMP === "1") {
      process.stdout.write(`test files kept in ${dir}\n`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
