// Errors a user can act on: a message that says what is wrong, a hint that
// says what to do, and no stack trace unless they ask for one.
import { relative, isAbsolute } from "node:path";

export interface NotosErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** A stable machine-readable code, e.g. "CONFIG_INVALID". */
  code?: string;
  cause?: unknown;
}

export class NotosError extends Error {
  readonly hint?: string;
  readonly code: string;

  constructor(message: string, options: NotosErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "NotosError";
    this.code = options.code ?? "NOTOS_ERROR";
    if (options.hint !== undefined) this.hint = options.hint;
  }
}

/** One problem in a configuration: the option path, what is wrong, and the module files that set it. */
export interface ConfigIssue {
  /** Option path as printed, e.g. `services.nginx.run` or `environment.etc."ssh/sshd_config".mode`. */
  path: string;
  message: string;
  /** Files (absolute paths, or a label for a module without a file) of the modules that set the option. */
  files: string[];
}

export class ConfigError extends NotosError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options: NotosErrorOptions = {}) {
    const count = issues.length === 1 ? "1 error" : `${issues.length} errors`;
    super(`The configuration has ${count}:\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`, {
      code: "CONFIG_INVALID",
      hint: "`notos options` lists every option with its type and default.",
      ...options,
    });
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** `path: message (set in ./a.ts, ./b.ts)`, with file paths relative to the working directory. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.files.length ? ` (set in ${issue.files.map((f) => displayFile(f)).join(", ")})` : "";
  return `${issue.path || "(the configuration)"}: ${issue.message}${where}`;
}

/** An absolute file path as the user would type it from the working directory. */
export function displayFile(file: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? rel : `./${rel}`;
}

/** Message and hint for a person; the stack only when NOTOS_LOG=debug. */
export function formatError(error: unknown): string {
  const debug = process.env.NOTOS_LOG === "debug";
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  const lines = [`error: ${error.message}`];
  const hint = (error as { hint?: unknown }).hint;
  if (typeof hint === "string" && hint) lines.push(`hint: ${hint}`);
  if (debug) {
    if (error.stack) lines.push(error.stack);
    if (error.cause !== undefined) lines.push(`caused by: ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause)}`);
  } else if (!(error instanceof NotosError)) {
    lines.push("hint: this looks like a bug or an unexpected environment problem; run again with NOTOS_LOG=debug for the stack trace.");
  }
  return lines.join("\n");
}
