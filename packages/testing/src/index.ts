// @notos/testing: NixOS-style VM tests of notos systems. defineTest names the
// nodes (each its own system) and a test script; every node is built through
// the builders, booted in QEMU on a private network with the host names and
// addresses the test gives, and driven by @notos/qemu's Machine. Vitest
// integration is @notos/testing/vitest; `notos-test FILE --interactive`
// starts a test's nodes and gives a REPL and shells on them.
export { defineTest, NotosTest, attachDiagnostics, testKey, type TestSpec, type TestContext, type RunOptions } from "./define.js";
export { MachineSet, type StartOptions } from "./machines.js";
export { planNodes, TEST_SUBNET, TEST_INTERFACE, type NodeSpec, type NodeInput, type PlannedNode } from "./nodes.js";
export { buildNode, type BuildOptions, type BuiltNode } from "./build.js";
export { interact, machineShell } from "./interactive.js";
