// Every failure of this package says what went wrong and, in `hint`, what to
// do about it: a NotosError, so the CLI prints it as the user's to fix (a
// package conflict is a configuration matter, not a crash).
import { NotosError } from "@notos/core";

export class RootfsError extends NotosError {
  constructor(message: string, options: { hint?: string | undefined; code?: string; cause?: unknown } = {}) {
    super(message, {
      code: options.code ?? "ROOTFS",
      ...(options.hint !== undefined ? { hint: options.hint } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = "RootfsError";
  }
}
