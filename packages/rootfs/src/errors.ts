// Every failure of this package says what went wrong and, in `hint`, what to
// do about it (the same shape as @notos/core's NotosError, so the CLI renders
// both alike).
export class RootfsError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "RootfsError";
    this.hint = options.hint;
  }
}
