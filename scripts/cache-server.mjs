#!/usr/bin/env node
// `npm run cache-server`: the team's shared turbo remote cache, one command.
// It runs turborepo-remote-cache (a maintained server from npm) with local
// storage, on loopback unless told otherwise, with the limits notos needs:
// a body limit that fits the kernel and the root (turbo uploads each task's
// outputs, the store entries in .notos/carry included, as one artifact),
// and the signature key, without which the server keeps no artifact tag and
// signing clients miss every time. Settings are the server's own variables:
//
//   TURBO_TOKEN                       required: the secret clients send
//   TURBO_REMOTE_CACHE_SIGNATURE_KEY  required: the key clients sign with
//   HOST (127.0.0.1), PORT (3000)     where it listens
//   STORAGE_PROVIDER (local), STORAGE_PATH (.turbo-cache-server/ here)
//   BODY_LIMIT (2 GiB)                largest artifact, in bytes
//
// S3 and the other providers take the server's documented variables
// (STORAGE_PROVIDER=s3, STORAGE_PATH=<bucket>, S3_* …); see docs/cache.md.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** 2 GiB: the largest artifact the server takes; the root and the kernel are a few tens of MiB. */
export const BODY_LIMIT = 2 * 1024 * 1024 * 1024;

/** What is wrong with the server's settings, in words a person can act on; empty when nothing is. */
export function serverProblems(env) {
  const problems = [];
  if (!env.TURBO_TOKEN) problems.push("TURBO_TOKEN is not set: it is the secret every client sends (e.g. `export TURBO_TOKEN=$(openssl rand -hex 32)`).");
  if (!env.TURBO_REMOTE_CACHE_SIGNATURE_KEY) {
    problems.push("TURBO_REMOTE_CACHE_SIGNATURE_KEY is not set: turbo.json signs artifacts, and a server without the key drops their signatures, so every client would miss (use the key the clients use).");
  }
  return problems;
}

/** The environment of the server process: the given settings over notos's defaults. */
export function serverEnv(env) {
  return {
    ...env,
    HOST: env.HOST ?? "127.0.0.1",
    PORT: env.PORT ?? "3000",
    STORAGE_PROVIDER: env.STORAGE_PROVIDER ?? "local",
    STORAGE_PATH: resolve(env.STORAGE_PATH ?? join(root, ".turbo-cache-server")),
    STORAGE_PATH_USE_TMP_FOLDER: "false",
    BODY_LIMIT: env.BODY_LIMIT ?? String(BODY_LIMIT),
    NODE_ENV: env.NODE_ENV ?? "production",
  };
}

/** The server's entry point, from the installed package. */
export function serverEntry() {
  const pkg = createRequire(import.meta.url).resolve("turborepo-remote-cache/package.json");
  return join(dirname(pkg), "dist", "cli.js");
}

/** Start the server; resolves once it answers, with its URL and a stop function. */
export async function startCacheServer(env, { log = () => {} } = {}) {
  const full = serverEnv(env);
  const child = spawn(process.execPath, [serverEntry()], { env: full, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => log(String(d)));
  child.stderr.on("data", (d) => log(String(d)));
  const url = `http://${full.HOST}:${full.PORT}`;
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  for (let i = 0; i < 200; i++) {
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 100))]);
    if (code !== undefined) throw new Error(`the cache server exited (${code}) before it answered`);
    const up = await fetch(`${url}/v8/artifacts/status`, { headers: { authorization: `Bearer ${full.TURBO_TOKEN}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop: () => (child.kill("SIGTERM"), exited) };
  }
  child.kill("SIGKILL");
  throw new Error(`the cache server did not answer at ${url} within 20 s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = serverProblems(process.env);
  if (problems.length) {
    console.error(`cache-server: cannot start:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    process.exit(1);
  }
  const { url, stop } = await startCacheServer(process.env, { log: (line) => process.stderr.write(line) });
  const env = serverEnv(process.env);
  console.log(`cache-server: listening on ${url}, artifacts in ${env.STORAGE_PROVIDER === "local" ? env.STORAGE_PATH : `${env.STORAGE_PROVIDER}:${env.STORAGE_PATH}`}`);
  console.log("Clients (each machine) set, then run `npm run dist` as usual:");
  console.log(`  export TURBO_API=${url} TURBO_TEAM=notos TURBO_TOKEN=<the token> TURBO_REMOTE_CACHE_SIGNATURE_KEY=<the key>`);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop().then(() => process.exit(0)));
}
