// Every entry of the etc layer is made with these, tagged with the layer's name.
import { layerEntries } from "@notos/core/tree";

export const ORIGIN = "etc";
export const { file, dir, symlink, withParents } = layerEntries(ORIGIN);
