// Headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: commands in on fd 3, answers out on fd 4, each
// message ending in a NUL byte): no port to find, no library, no browser
// download — Debian's chromium, and about sixty lines of client.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string }; sessionId?: string };

export class Chromium {
  private next = 1;
  private pending = new Map<number, { resolve: (r: any) => void; reject: (e: Error) => void }>();
  private listeners: Array<(m: Message) => void> = [];
  private buffer = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding("utf8");
    out.on("data", (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf("\0")) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as Message;
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined) {
          const p = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) p?.reject(new Error(message.error.message));
          else p?.resolve(message.result);
        } else {
          for (const l of this.listeners) l(message);
        }
      }
    });
  }

  static async launch(): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), "notos-chromium-"));
    const child = spawn(
      "chromium",
      ["--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars", `--user-data-dir=${profile}`, "about:blank"],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    const browser = new Chromium(child, profile);
    await browser.send("Browser.getVersion");
    return browser;
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.next++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(message + "\0");
    });
  }

  on(listener: (m: Message) => void): () => void {
    this.listeners.push(listener);
    return () => void (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => (this.child.exitCode !== null ? r(null) : this.child.once("exit", r)));
    try {
      await Promise.race([this.send("Browser.close"), new Promise((r) => setTimeout(r, 5000))]);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      if (this.child.exitCode === null) {
        this.child.kill("SIGKILL");
        await exited;
      }
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 5 });
    }
  }
}

export interface PageVisit {
  /** Console errors, uncaught exceptions and failed loads, as Chromium reported them. */
  errors: string[];
  /** Every link's resolved href. */
  links: string[];
  /** Ids of the elements on the page (for #fragment links). */
  ids: string[];
  textLength: number;
  /** The PNG screenshot of the page. */
  screenshot: Buffer;
}

/** Open a URL in a new tab, wait for its load event, read it and take a screenshot. */
export async function visit(browser: Chromium, url: string): Promise<PageVisit> {
  const { targetId } = await browser.send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await browser.send("Target.attachToTarget", { targetId, flatten: true });
  const errors: string[] = [];
  let loaded!: () => void;
  const load = new Promise<void>((r) => (loaded = r));
  const off = browser.on((m) => {
    if (m.sessionId !== sessionId) return;
    if (m.method === "Runtime.consoleAPICalled" && (m.params.type === "error" || m.params.type === "assert")) errors.push(`console: ${m.params.args.map((a: any) => a.value ?? a.description).join(" ")}`);
    if (m.method === "Runtime.exceptionThrown") errors.push(`exception: ${m.params.exceptionDetails.text} ${m.params.exceptionDetails.exception?.description ?? ""}`);
    if (m.method === "Log.entryAdded" && m.params.entry.level === "error") errors.push(`log: ${m.params.entry.text} ${m.params.entry.url ?? ""}`);
    if (m.method === "Page.loadEventFired") loaded();
  });
  try {
    for (const domain of ["Page", "Runtime", "Log"]) await browser.send(`${domain}.enable`, {}, sessionId);
    await browser.send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
    await browser.send("Page.navigate", { url }, sessionId);
    await load;
    const read = async (expression: string) => (await browser.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId)).result.value;
    const links = (await read("[...document.querySelectorAll('a[href]')].map((a) => a.href)")) as string[];
    const ids = (await read("[...document.querySelectorAll('[id]')].map((e) => e.id)")) as string[];
    const textLength = (await read("document.body.innerText.length")) as number;
    const { data } = await browser.send("Page.captureScreenshot", { format: "png" }, sessionId);
    return { errors, links, ids, textLength, screenshot: Buffer.from(data, "base64") };
  } finally {
    off();
    await browser.send("Target.closeTarget", { targetId });
  }
}
