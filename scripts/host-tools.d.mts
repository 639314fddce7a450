// Types of host-tools.mjs, so the TypeScript tests can import the same lists setup.mjs uses.
export interface HostTool {
  /** A command looked up on PATH, or an absolute file path. */
  need: string;
  /** The Debian package that ships it. */
  pkg: string;
  why: string;
}
export declare const hostTools: HostTool[];
export declare const alwaysPresentPrograms: string[];
export declare const alwaysPresentPaths: string[];
