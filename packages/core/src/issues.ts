// Validation problems are collected, not thrown one at a time: a user fixing
// a configuration sees every problem of the layer in one ConfigError, each
// naming the option and the modules that set it.
import { ConfigError, type ConfigIssue } from "./errors.js";
import { formatPath, type PathSegment } from "./path.js";

/** Option path (as `formatPath` prints it) → files of the modules that set it: `evalSystem`'s `definitions`. */
export type Definitions = ReadonlyMap<string, string[]>;

export class IssueCollector {
  readonly list: ConfigIssue[] = [];
  constructor(private readonly definitions: Definitions = new Map()) {}

  add(segments: PathSegment[], message: string): void {
    this.list.push({ path: formatPath(segments), message, files: this.filesAt(segments) });
  }

  /** The modules that set the option, or else the nearest enclosing option that has any. */
  private filesAt(segments: PathSegment[]): string[] {
    for (let n = segments.length; n > 0; n--) {
      const files = this.definitions.get(formatPath(segments.slice(0, n)));
      if (files?.length) return files;
    }
    return [];
  }

  /** Throw one ConfigError holding every issue, if there is any. */
  throwIfAny(): void {
    if (this.list.length) throw new ConfigError(this.list);
  }
}
