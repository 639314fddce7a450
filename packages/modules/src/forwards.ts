// Port forwards for a service, set only when the system runs under QEMU: the
// qemu options exist only where a module declares them (qemuGuest does), so a
// service module asks the evaluated configuration instead of assuming it.
import { defineModule, type ModuleDefinition } from "@notos/core";
import type { QemuOptionsInput } from "@notos/qemu";

export function whenQemu(forwards: NonNullable<QemuOptionsInput>["forwards"]) {
  return defineModule(({ config }): ModuleDefinition => ("qemu" in config ? { qemu: { forwards } } : {}));
}
