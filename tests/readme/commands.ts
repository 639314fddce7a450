// The shell commands a reader of README.md is told to type, taken from the
// file itself so that the test follows the README when it changes instead of
// a copy that drifts.

export interface ReadmeCommand {
  /** The line as the README shows it, without its trailing comment. */
  line: string;
  /** `NAME=value` words before the program. */
  env: Record<string, string>;
  program: string;
  args: string[];
  /** The `##` section it appears under. */
  section: string;
  /** A fenced `sh` block, or an inline code span in the prose. */
  from: "block" | "inline";
}

const SHELL_FENCES = new Set(["sh", "bash", "shell", "console"]);
/** Inline code spans are mostly names and paths; only these start a command. */
const INLINE_PROGRAMS = /^(npm|npx) [a-z]/;

export function readmeCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let section = "";
  let fence: string | null = null;
  for (const raw of markdown.split("\n")) {
    const fenceMatch = /^```\s*(\S*)/.exec(raw);
    if (fenceMatch) {
      fence = fence === null ? (fenceMatch[1] ?? "") : null;
      continue;
    }
    if (fence !== null) {
      if (!SHELL_FENCES.has(fence)) continue;
      const line = raw.replace(/^\$ /, "").replace(/\s+#\s.*$/, "").trim();
      if (line && !line.startsWith("#")) commands.push(parse(line, section, "block"));
      continue;
    }
    const heading = /^##\s+(.*)$/.exec(raw);
    if (heading) section = heading[1]!.trim();
    for (const span of raw.matchAll(/`([^`]+)`/g)) {
      const text = span[1]!.trim();
      if (INLINE_PROGRAMS.test(text)) commands.push(parse(text, section, "inline"));
    }
  }
  return commands;
}

function parse(line: string, section: string, from: ReadmeCommand["from"]): ReadmeCommand {
  // The README's commands carry no quoting; a quote here would need a real
  // shell-word parser, so refuse rather than split it wrongly.
  if (/["'\\$`|;&<>]/.test(line)) throw new Error(`README command needs a shell to parse: ${line}`);
  const words = line.split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split("=");
    env[name!] = value.join("=");
  }
  const [program = "", ...args] = words;
  return { line, env, program, args, section, from };
}
