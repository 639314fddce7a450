// @notos/core/text: small text helpers every package needs the same way:
// quoting for POSIX sh, and "did you mean" suggestions.
export { shellQuote } from "../shell.js";
export { closest, editDistance } from "../suggest.js";
