// The default system with a banner from a builder published outside notos
// (examples/motd-banner): adding it took this import and nothing else.
import { defineSystem } from "@notos/core";
import { motdBanner } from "notos-motd-banner";
import defaultSystem from "../../notos.config.ts";

export default defineSystem({
  imports: [defaultSystem, motdBanner],
  banner: { text: "notos, with a banner from outside" },
});
