// A small path glob matcher for `rootfs.exclude` / `rootfs.include`:
//   `**` any run of characters, slashes included (`/a/**` is everything below /a, not /a itself);
//   `*`  any run of characters except `/`;
//   `?`  one character except `/`.
// Everything else is literal. Patterns are absolute image paths.

export type PathMatcher = (path: string) => boolean;

export function compileGlob(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        // `**/` also matches zero directories: `/a/**/b` matches `/a/b`.
        if (pattern[i + 1] === "/") {
          i++;
          source += "(?:.*/)?";
        } else {
          source += ".*";
        }
      } else {
        source += "[^/]*";
      }
    } else if (c === "?") {
      source += "[^/]";
    } else {
      source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

/** A matcher that is true when any of the patterns matches (false for no patterns). */
export function globMatcher(patterns: readonly string[]): PathMatcher {
  const regexps = patterns.map(compileGlob);
  return (path) => regexps.some((r) => r.test(path));
}

/** The package-path filter of the configuration: excluded unless an include pattern keeps it. */
export function pathFilter(options: { exclude: readonly string[]; include: readonly string[] }): PathMatcher {
  const excluded = globMatcher(options.exclude);
  const included = globMatcher(options.include);
  return (path) => !excluded(path) || included(path);
}
