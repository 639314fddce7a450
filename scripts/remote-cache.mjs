// The trap of signed remote caching: turbo.json asks for signed artifacts,
// and a client with a remote cache but without TURBO_REMOTE_CACHE_SIGNATURE_KEY
// uploads nothing and hits nothing, without a word. setup (the first step of
// `npm run dist` and `npm test`) calls this and stops with the fix instead.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Where this machine's turbo would find a remote cache, or undefined when it has none. */
export function remoteCacheSource({ env, root, home }) {
  for (const name of ["TURBO_API", "TURBO_TOKEN", "TURBO_TEAM", "TURBO_TEAMID"]) if (env[name]) return `the ${name} variable`;
  const repo = readJson(join(root, ".turbo", "config.json"));
  if (repo && (repo.apiurl || repo.apiUrl || repo.teamslug || repo.teamSlug || repo.teamid || repo.teamId || repo.token)) return ".turbo/config.json";
  const user = home && readJson(join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "turborepo", "config.json"));
  if (user?.token) return "`turbo login` (your turborepo config)";
  return undefined;
}

/** A message saying what to set, when a remote cache is configured and signing cannot work; else undefined. */
export function remoteCacheProblem({ env, root, home }) {
  const turbo = existsSync(join(root, "turbo.json")) ? readJson(join(root, "turbo.json")) : undefined;
  if (!turbo?.remoteCache?.signature) return undefined;
  const source = remoteCacheSource({ env, root, home });
  if (!source || env.TURBO_REMOTE_CACHE_SIGNATURE_KEY) return undefined;
  return [
    `a turbo remote cache is configured (by ${source}), and turbo.json signs its artifacts, but TURBO_REMOTE_CACHE_SIGNATURE_KEY is not set:`,
    "turbo would upload nothing and use nothing from the cache, without saying so.",
    "Set TURBO_REMOTE_CACHE_SIGNATURE_KEY to the team's key (the one the cache server has), or unset the remote cache settings to build locally.",
  ].join("\n");
}
