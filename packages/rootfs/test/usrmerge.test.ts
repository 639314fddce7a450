import { describe, expect, it } from "vitest";
import { mergedUsrPath } from "@notos/debian/deb";
import { usrMergeEntry } from "../src/usrmerge.js";
import { hardlink, symlink } from "./helpers.js";

describe("usrMergeEntry", () => {
  it("moves /bin, /sbin, /lib, /lib64 paths onto /usr and leaves others alone", () => {
    expect(usrMergeEntry(symlink("/bin/sh", "dash"), mergedUsrPath)).toMatchObject({ path: "/usr/bin/sh", target: "dash" });
    expect(usrMergeEntry(symlink("/etc/alternatives/awk", "/usr/bin/mawk"), mergedUsrPath).path).toBe("/etc/alternatives/awk");
    expect(usrMergeEntry(symlink("/binary", "x"), mergedUsrPath).path).toBe("/binary");
  });

  it("keeps libc6's absolute /lib64 loader link working through the root links", () => {
    const entry = usrMergeEntry(symlink("/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"), mergedUsrPath);
    expect(entry).toMatchObject({ path: "/usr/lib64/ld-linux-x86-64.so.2", target: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" });
  });

  it("rewrites a relative target only when the move would break it", () => {
    expect(usrMergeEntry(symlink("/bin/x", "../usr/bin/y"), mergedUsrPath)).toMatchObject({ path: "/usr/bin/x", target: "y" });
    expect(usrMergeEntry(symlink("/lib64/ld.so", "../lib/x86_64-linux-gnu/ld.so"), mergedUsrPath)).toMatchObject({
      path: "/usr/lib64/ld.so",
      target: "../lib/x86_64-linux-gnu/ld.so",
    });
    expect(usrMergeEntry(symlink("/sbin/a", "../etc/a"), mergedUsrPath)).toMatchObject({ path: "/usr/sbin/a", target: "../../etc/a" });
  });

  it("maps hard-link targets", () => {
    expect(usrMergeEntry(hardlink("/bin/gunzip", "/bin/gzip"), mergedUsrPath)).toMatchObject({ path: "/usr/bin/gunzip", target: "/usr/bin/gzip" });
  });
});
