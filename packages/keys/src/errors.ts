// Every failure of this package is a NotosError with a code and a hint that
// says what to do: make a key, restore one, or install openssl.
import { NotosError } from "@notos/core";

export class KeyError extends NotosError {
  constructor(message: string, options: { code: string; hint?: string; cause?: unknown }) {
    super(message, options);
    this.name = "KeyError";
  }
}
