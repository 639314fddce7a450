// src/index.ts
import { writeFile } from "fs/promises";
import { join } from "path";
import { defineLayer, defineModule } from "@notos/core";
import { z } from "zod";
var bannerOptions = z.strictObject({
  text: z.string().min(1).default("Welcome to notos.").describe("The banner shown in /etc/banner and dist/banner.txt.")
}).prefault({}).describe("A banner for the machine (notos-motd-banner).");
var bannerLayer = defineLayer({
  name: "motd-banner",
  version: "1",
  description: "/etc/banner in the root, banner.txt in dist/.",
  reads: ["banner"],
  async build({ options, out }) {
    const text = `${options.banner.text}
`;
    await writeFile(join(out, "banner.txt"), text);
    return {
      name: "motd-banner",
      entries: [{ path: "/etc/banner", type: "file", mode: 420, uid: 0, gid: 0, content: new TextEncoder().encode(text) }]
    };
  },
  dist: (artifact) => ({ "banner.txt": join(artifact.path, "banner.txt") })
});
var motdBanner = defineModule({
  name: "notos-motd-banner",
  options: { banner: bannerOptions },
  builders: [bannerLayer]
});
export {
  bannerLayer,
  bannerOptions,
  motdBanner
};
