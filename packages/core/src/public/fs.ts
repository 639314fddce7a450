// @notos/core/fs: writes that a reader or a killed writer never sees half done.
export { writeFileAtomic, replaceDirectory } from "../atomic.js";
