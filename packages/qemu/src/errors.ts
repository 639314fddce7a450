// Errors of the QEMU driver: NotosErrors (message, code, hint). A
// MachineError, raised while a VM runs, carries the end of its serial console.
import { NotosError, type NotosErrorOptions } from "@notos/core";

export class QemuError extends NotosError {
  constructor(message: string, options: NotosErrorOptions = {}) {
    super(message, { code: "QEMU", ...options });
    this.name = "QemuError";
  }
}

export class MachineError extends QemuError {
  constructor(
    message: string,
    /** The last lines of the serial console (also in `message`, so test reports show them). */
    readonly consoleTail: string,
    options: NotosErrorOptions = {},
  ) {
    // Test runners print the message alone, so the console and the hint go in it too.
    super(
      (consoleTail ? `${message}\n--- last console lines ---\n${consoleTail}\n--- end of console ---` : message) +
        (options.hint ? `\nhint: ${options.hint}` : ""),
      { code: "QEMU_MACHINE", ...options },
    );
    this.name = "MachineError";
  }
}
