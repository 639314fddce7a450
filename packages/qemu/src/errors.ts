// Errors of the QEMU driver: NotosErrors (message + hint). A MachineError,
// raised while a VM runs, carries the end of its serial console.
import { NotosError } from "@notos/core";

export class QemuError extends NotosError {
  constructor(message: string, hint?: string, code = "QEMU") {
    super(message, hint !== undefined ? { hint, code } : { code });
    this.name = "QemuError";
  }
}

export class MachineError extends QemuError {
  constructor(
    message: string,
    /** The last lines of the serial console (also in `message`, so test reports show them). */
    readonly consoleTail: string,
    hint?: string,
  ) {
    super(
      (consoleTail ? `${message}\n--- last console lines ---\n${consoleTail}\n--- end of console ---` : message) +
        (hint ? `\nhint: ${hint}` : ""),
      hint,
      "QEMU_MACHINE",
    );
    this.name = "MachineError";
  }
}
