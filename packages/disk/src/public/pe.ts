// @notos/disk/pe: PE32+ section appending (how the UKI is made) and reading.
export { addPeSections, readPe, peChecksum, type PeSection, type PeInfo, type PeSectionInfo } from "../pe.js";
