// @notos/core/progress: progress events and the plain-line renderer.
export { createReporter, silentReporter, renderLine, formatEvent, formatBytes, type Reporter, type ReporterOptions, type ProgressEvent, type LogLevel } from "../progress.js";
