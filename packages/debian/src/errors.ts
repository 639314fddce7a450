// Every failure of this package says what went wrong and, in `hint`, what to
// do about it. (@notos/core's NotosError carries the same shape.)
export class DebianError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "DebianError";
    this.hint = options.hint;
  }
}

export const REFRESH_HINT = "refresh the lock file with `npm run lock -- --refresh` (or `notos-debian lock --refresh`)";
