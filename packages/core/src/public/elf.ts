// @notos/core/elf: the interpreter and DT_NEEDED libraries of an x86-64 ELF
// file, for builders that follow dynamic linking (the initrd's programs, the
// root's libraries).
export { elfDependencies, isElf, type ElfDependencies } from "../elf.js";
