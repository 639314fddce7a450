// Every failure of this package says what went wrong and, in `hint`, what to do.
import { NotosError } from "@notos/core";

export class DebianError extends NotosError {
  constructor(message: string, options: { hint?: string | undefined; cause?: unknown; code?: string } = {}) {
    super(message, {
      code: options.code ?? "DEBIAN",
      ...(options.hint !== undefined ? { hint: options.hint } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = "DebianError";
  }
}

/** What to do about a cached file whose bytes do not read as what they should be. */
export const DAMAGED_HINT = "the file is damaged; delete it from the cache and fetch it again";

/** What to say of a file that lacks what every .deb has. */
export const NOT_A_DEB_HINT = "the file is damaged or not a .deb";

export const REFRESH_HINT = "refresh the lock file with `npm run lock -- --refresh` (or `npx notos lock --refresh`)";
