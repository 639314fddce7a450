// Every entry of the runit layer is made with these, tagged with the layer's name.
import { layerEntries } from "@notos/core/tree";

export const ORIGIN = "runit";
export const { file, dir, symlink, withParents } = layerEntries(ORIGIN);
