// The VM's screen as text: Debian's tesseract-ocr reads a screenshot, as the
// NixOS driver's get_screen_text does. A VGA text console is small (9×16
// glyphs), so the image is read at a resolution tesseract is told about
// rather than scaled here; the words come back one line per screen line.
import { requireHostProgram } from "@notos/core/host";
import { runProgram } from "@notos/core/process";
import { QemuError } from "./errors.js";

export const TESSERACT = "tesseract";

/** The text tesseract reads in a PNG file. */
export async function ocrPng(file: string, options: { timeoutMs?: number } = {}): Promise<string> {
  const tesseract = requireHostProgram({ program: TESSERACT, debianPackage: "tesseract-ocr", neededBy: "reading the screen as text (getScreenText, waitForText)" });
  // --psm 6: one uniform block of text, which a console is; stdout as the output base prints the text.
  const r = await runProgram(tesseract, [file, "stdout", "--psm", "6", "--dpi", "300", "-l", "eng"], {
    reject: false,
    timeoutMs: options.timeoutMs ?? 60_000,
    env: { OMP_THREAD_LIMIT: "1" },
  });
  if (r.exitCode !== 0) throw new QemuError(`tesseract failed on ${file}: ${r.timedOut ? "timed out" : r.stderr.toString("utf8").trim()}`, { code: "QEMU_OCR", hint: "is the screenshot a readable PNG?" });
  return r.stdout.toString("utf8").replace(/\r?\n$/, "");
}
