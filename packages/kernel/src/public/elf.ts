// @notos/kernel/elf: just enough ELF to find a section of a kernel module.
export { elfSections, elfSection, ElfError, type ElfSection } from "../elf.js";
