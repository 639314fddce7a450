// The scaffolder's one error type. It has the shape of @notos/core's
// NotosError (a message, a `code` to branch on, a `hint` saying what to do)
// but not the class: `npm create notos` runs before anything is installed,
// so create-notos depends on nothing and starts in a second.
export class CreateError extends Error {
  readonly code: string;
  readonly hint: string;
  constructor(message: string, options: { code: string; hint: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "CreateError";
    this.code = options.code;
    this.hint = options.hint;
  }
}
