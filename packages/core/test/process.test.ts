// @notos/core/process against real programs (sh, cat): what reaches the
// program (stdin, environment, working directory), what comes back (bytes,
// exit status), and the errors a caller shows the user.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, describe, expect, it } from "vitest";
import { NotosError } from "../src/errors.js";
import { runProgram, startProgram, stderrTail } from "../src/process.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<NotosError> {
  const e = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(NotosError);
  return e as NotosError;
}

describe("runProgram", () => {
  it("passes input bytes through stdin and returns stdout byte-exact", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 10]);
    const r = await runProgram("cat", [], { input: bytes });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.equals(bytes)).toBe(true);
    expect(r.stderr.length).toBe(0);
  });

  it("gives stdin /dev/null without input, and runs in cwd", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notos-process-"));
    dirs.push(dir);
    const r = await runProgram("sh", ["-c", "cat; pwd"], { cwd: dir });
    expect(r.stdout.toString()).toBe(`${await realpath(dir)}\n`);
  });

  it("adds to the environment, removes keys set to undefined, and starts empty without extendEnv", async () => {
    process.env.NOTOS_PROCESS_TEST_KEEP = "kept";
    process.env.NOTOS_PROCESS_TEST_DROP = "dropped";
    try {
      const script = 'printf "%s|%s|%s|%s" "$NOTOS_PROCESS_TEST_KEEP" "$NOTOS_PROCESS_TEST_DROP" "$ADDED" "${PATH:-none}"';
      const merged = await runProgram("sh", ["-c", script], { env: { ADDED: "yes", NOTOS_PROCESS_TEST_DROP: undefined } });
      expect(merged.stdout.toString()).toBe(`kept||yes|${process.env.PATH}`);
      const alone = await runProgram("/bin/sh", ["-c", script], { env: { ADDED: "only" }, extendEnv: false });
      // dash sets a default PATH of its own when none is given; the variables of this process are absent.
      expect(alone.stdout.toString()).toMatch(/^\|\|only\|/);
    } finally {
      delete process.env.NOTOS_PROCESS_TEST_KEEP;
      delete process.env.NOTOS_PROCESS_TEST_DROP;
    }
  });

  it("throws a NotosError naming the program, its exit status and the end of its stderr", async () => {
    const script = 'i=0; while [ $i -lt 30 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 3';
    const e = await failure(runProgram("sh", ["-c", script]));
    expect(e.code).toBe("PROCESS_FAILED");
    expect(e.message).toMatch(/^sh -c .* failed with exit status 3:\n…\nline 10\n/);
    expect(e.message).toMatch(/line 29$/);
    expect(e.message).not.toMatch(/line 9\n/);
  });

  it("resolves with the status instead when reject is false", async () => {
    const r = await runProgram("sh", ["-c", "echo out; echo err >&2; exit 7"], { reject: false });
    expect([r.exitCode, r.stdout.toString(), r.stderr.toString(), r.timedOut]).toEqual([7, "out\n", "err\n", false]);
  });

  it("names a program that is not there", async () => {
    // A name of this run, so no host could have it (and the host-tools scan sees no fixed name).
    const missing = `notos-no-such-program-${process.pid}`;
    const e = await failure(runProgram(missing, ["x"]));
    expect(e.code).toBe("PROCESS_NOT_FOUND");
    expect(e.message).toBe(`${missing} could not be started: not found`);
    const r = await runProgram(missing, [], { reject: false });
    expect(r.exitCode).toBeUndefined();
    expect(r.startError?.code).toBe("ENOENT");
  });

  it("kills a program that runs past its timeout", async () => {
    const e = await failure(runProgram("sh", ["-c", "echo started >&2; exec sleep 30"], { timeoutMs: 300 }));
    expect(e.code).toBe("PROCESS_TIMEOUT");
    expect(e.message).toMatch(/timed out and was killed:\nstarted/);
    const r = await runProgram("sleep", ["30"], { timeoutMs: 300, reject: false });
    expect([r.timedOut, r.signal, r.exitCode]).toEqual([true, "SIGKILL", undefined]);
  });
});

describe("startProgram", () => {
  it("streams stdin and stdout", async () => {
    const running = startProgram("cat", [], { stdin: "pipe", stdout: "stream" });
    const chunks: Buffer[] = [];
    running.stdout!.on("data", (d: Buffer) => chunks.push(d));
    await pipeline(Readable.from([Buffer.from("a"), Buffer.from("b\n")]), running.stdin!);
    const r = await running.result;
    expect(Buffer.concat(chunks).toString()).toBe("ab\n");
    expect(r.stdout.length).toBe(0);
  });

  it("rejects its result when the program fails, with what it wrote to stderr", async () => {
    const running = startProgram("sh", ["-c", "echo bad input >&2; exit 1"], { stdin: "pipe" });
    running.stdin!.end("x");
    const e = await failure(running.result);
    expect(e.message).toMatch(/failed with exit status 1:\nbad input$/);
  });
});

it("stderrTail keeps short text whole", () => {
  expect(stderrTail("a\nb\n")).toBe("a\nb");
  expect(stderrTail(Buffer.from("1\n2\n3\n"), 2)).toBe("…\n2\n3");
});
