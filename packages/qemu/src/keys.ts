// Keys for the VM's keyboard (QMP send-key with QEMU's qcodes) and for its
// serial console (bytes). A key combination is written as the NixOS driver
// writes it: "ctrl-alt-delete", "shift-a", "ret", "esc". Text becomes one
// combination per character (US layout). Pure functions; Machine sends.
import { QemuError } from "./errors.js";

const NAMED: Record<string, string> = { "\n": "ret", " ": "spc", "\t": "tab" };
// Characters on their own key, and those typed with shift on the US layout.
const PLAIN: Record<string, string> = {
  "-": "minus", "=": "equal", "[": "bracket_left", "]": "bracket_right", "\\": "backslash",
  ";": "semicolon", "'": "apostrophe", "`": "grave_accent", ",": "comma", ".": "dot", "/": "slash",
};
const SHIFTED: Record<string, string> = {
  "!": "1", "@": "2", "#": "3", $: "4", "%": "5", "^": "6", "&": "7", "*": "8", "(": "9", ")": "0",
  _: "minus", "+": "equal", "{": "bracket_left", "}": "bracket_right", "|": "backslash",
  ":": "semicolon", '"': "apostrophe", "~": "grave_accent", "<": "comma", ">": "dot", "?": "slash",
};
// Names people write for keys whose qcode is spelt otherwise.
const ALIASES: Record<string, string> = { enter: "ret", return: "ret", space: "spc", escape: "esc", del: "delete", backspace: "backspace" };

/** The qcodes of one combination ("ctrl-alt-delete" → ["ctrl", "alt", "delete"]; "-" alone is the minus key). */
export function keyCombo(combo: string): string[] {
  if (combo === "-") return ["minus"];
  const keys = combo.split("-").map((k) => ALIASES[k.toLowerCase()] ?? k.toLowerCase());
  if (keys.some((k) => !/^[a-z0-9_]+$/.test(k)))
    throw new QemuError(`"${combo}" is not a key combination`, { code: "QEMU_KEYS", hint: 'write keys as QEMU qcodes joined by "-", e.g. "ctrl-alt-delete", "shift-a", "ret"' });
  return keys;
}

/** The combinations that type `text` on a US keyboard. */
export function charsToCombos(text: string): string[][] {
  return [...text].map((c) => {
    if (NAMED[c]) return [NAMED[c]!];
    if (/^[a-z0-9]$/.test(c)) return [c];
    if (/^[A-Z]$/.test(c)) return ["shift", c.toLowerCase()];
    if (PLAIN[c]) return [PLAIN[c]!];
    if (SHIFTED[c]) return ["shift", SHIFTED[c]!];
    throw new QemuError(`cannot type ${JSON.stringify(c)} on the VM's keyboard`, { code: "QEMU_KEYS", hint: "sendChars types US-keyboard ASCII; use sendChars(text, { to: \"serial\" }) for other text" });
  });
}

/** The QMP send-key arguments of one combination. */
export function sendKeyArgs(keys: string[]): { keys: { type: "qcode"; data: string }[] } {
  return { keys: keys.map((data) => ({ type: "qcode" as const, data })) };
}

const SERIAL_NAMED: Record<string, string> = { ret: "\r", spc: " ", tab: "\t", esc: "\x1b", backspace: "\x7f", delete: "\x1b[3~", up: "\x1b[A", down: "\x1b[B", right: "\x1b[C", left: "\x1b[D" };

/** What a terminal sends on the serial line for a combination: "ctrl-c" → "\x03", "ret" → "\r", "a" → "a". */
export function serialBytes(combo: string): string {
  const keys = keyCombo(combo);
  const key = keys[keys.length - 1]!;
  const mods = new Set(keys.slice(0, -1));
  let out = SERIAL_NAMED[key] ?? (key.length === 1 ? key : undefined);
  if (out === undefined)
    throw new QemuError(`"${combo}" has no serial-line equivalent`, { code: "QEMU_KEYS", hint: "send it to the VM's keyboard instead (the default), or send the bytes with sendChars" });
  if (mods.has("shift") && out.length === 1) out = out.toUpperCase();
  if (mods.has("ctrl")) {
    if (!/^[a-z@[\\\]^_]$/i.test(out)) throw new QemuError(`"${combo}" has no control character`, { code: "QEMU_KEYS", hint: "ctrl goes with a letter or one of @[\\]^_" });
    out = String.fromCharCode(out.toUpperCase().charCodeAt(0) & 0x1f);
  }
  if (mods.has("alt")) out = `\x1b${out}`;
  return out;
}
