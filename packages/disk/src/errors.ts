// Every failure of this package is a NotosError with a code and a hint that
// says what to do — most of them name the `disk.*` option involved.
import { NotosError } from "@notos/core";

export class DiskError extends NotosError {
  constructor(message: string, options: { code: string; hint?: string; cause?: unknown }) {
    super(message, options);
    this.name = "DiskError";
  }
}
