// Vitest's memfs recipe: `vi.mock("node:fs")` in a test swaps in this in-memory file system.
const { fs } = require("memfs");
module.exports = fs;
