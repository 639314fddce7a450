// Option paths as people read them: `services.nginx.run`,
// `environment.etc."ssh/sshd_config".mode`, `qemu.forwards[0].host`.

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += (out ? "." : "") + (IDENTIFIER.test(segment) ? segment : JSON.stringify(segment));
  }
  return out;
}
