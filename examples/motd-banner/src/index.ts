// A banner for the machine, as a notos builder published from outside the
// notos repository: it declares its own option (`banner.text`), adds a layer
// to the root (/etc/banner) and a file to dist/ (banner.txt), and touches
// nothing of notos itself. Add `motdBanner` to a system's imports to use it.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineLayer, defineModule } from "@notos/core";
import { z } from "zod";

export const bannerOptions = z
  .strictObject({
    text: z.string().min(1).default("Welcome to notos.").describe("The banner shown in /etc/banner and dist/banner.txt."),
  })
  .prefault({})
  .describe("A banner for the machine (notos-motd-banner).");

// The option's type joins the system's, so `defineSystem({ banner: { text } })` type-checks.
declare module "@notos/core" {
  interface NotosOptions {
    banner: typeof bannerOptions;
  }
}

export const bannerLayer = defineLayer({
  name: "motd-banner",
  version: "1",
  description: "/etc/banner in the root, banner.txt in dist/.",
  reads: ["banner"],
  async build({ options, out }) {
    const text = `${options.banner.text}\n`;
    // Beside the layer in the builder's store entry: the file dist/ gets.
    await writeFile(join(out, "banner.txt"), text);
    return {
      name: "motd-banner",
      entries: [{ path: "/etc/banner", type: "file", mode: 0o644, uid: 0, gid: 0, content: new TextEncoder().encode(text) }],
    };
  },
  dist: (artifact) => ({ "banner.txt": join(artifact.path, "banner.txt") }),
});

export const motdBanner = defineModule({
  name: "notos-motd-banner",
  options: { banner: bannerOptions },
  builders: [bannerLayer],
});
