// Every failure of this package is a NotosError with a code and a hint that
// says what to do: make a key, point at one, or install a tool.
import { NotosError } from "@notos/core";

export class SignError extends NotosError {
  constructor(message: string, options: { code: string; hint?: string; cause?: unknown }) {
    super(message, options);
    this.name = "SignError";
  }
}
