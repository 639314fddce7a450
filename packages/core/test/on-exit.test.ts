// onProcessEnd in a real child process: a cleanup runs on exit, on an
// uncaught exception and on each signal, the signal still ends the process,
// and a released cleanup does not run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const module = pathToFileURL(join(__dirname, "..", "dist", "process.js")).href;

/** Run `body` in a child Node process that registered a cleanup appending `name` to a file; returns how it ended and the file. */
function child(body: string): { status: number | null; signal: NodeJS.Signals | null; ran: string } {
  const dir = mkdtempSync(join(tmpdir(), "notos-on-exit-"));
  const log = join(dir, "log");
  const script = `
    import { appendFileSync } from "node:fs";
    import { onProcessEnd } from ${JSON.stringify(module)};
    const mark = (name) => () => appendFileSync(${JSON.stringify(log)}, name + "\\n");
    ${body}
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, signal: r.signal, ran: existsSync(log) ? readFileSync(log, "utf8") : "" };
}

describe("onProcessEnd", () => {
  it("runs the cleanups when the process exits, and not the released ones", () => {
    expect(child(`onProcessEnd(mark("a")); const drop = onProcessEnd(mark("b")); drop(); process.exitCode = 3;`)).toEqual({ status: 3, signal: null, ran: "a\n" });
  });

  it("runs them after an uncaught exception", () => {
    const r = child(`onProcessEnd(mark("a")); throw new Error("boom");`);
    expect(r.status).toBe(1);
    expect(r.ran).toBe("a\n");
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`runs them on ${signal}, once, and the signal still ends the process`, () => {
      const r = child(`onProcessEnd(mark("a")); onProcessEnd(() => { throw new Error("a failing cleanup stops no other"); }); onProcessEnd(mark("b")); setInterval(() => {}, 1000); process.kill(process.pid, ${JSON.stringify(signal)});`);
      expect(r).toEqual({ status: null, signal, ran: "a\nb\n" });
    });
  }

  it("leaves a signal to the process's own handler when it has one", () => {
    const r = child(`onProcessEnd(mark("a")); process.on("SIGTERM", () => { mark("own")(); process.exit(7); }); setInterval(() => {}, 1000); process.kill(process.pid, "SIGTERM");`);
    expect(r.status).toBe(7);
    expect(r.ran.split("\n").filter(Boolean).sort()).toEqual(["a", "own"]);
  });
});
