// Finds what the code asks of the host: the programs it starts and the
// absolute host paths it reads or copies. It parses each file with the
// TypeScript compiler and looks only at call sites of process-spawning and
// file-system functions, so paths that appear in generated guest scripts
// (strings the builders write into the image) are not mistaken for host
// reads. Names only known at run time are out of its reach; a literal, a
// file-level constant, join() of literals and the command words of a
// `sh -c` script are followed.
import { basename, posix } from "node:path";
import ts from "typescript";

export interface HostUse {
  file: string;
  line: number;
  kind: "program" | "path";
  /** The program name or path; a path known only up to a run-time part ends in "…". */
  name: string;
}

export interface HostAllowances {
  /** Programs and absolute files the host-tools list installs. */
  provided: readonly string[];
  /** Programs every machine has. */
  programs: readonly string[];
  /** Path prefixes every machine has. */
  paths: readonly string[];
}

/** Functions that start a program named by their first argument. */
const SPAWN = new Set(["execa", "execaSync", "spawn", "spawnSync", "execFile", "execFileSync", "findExecutable", "runProgram", "startProgram"]);
/** Functions that run their first argument as a shell command line. */
const SHELL = new Set(["exec", "execSync", "execaCommand", "execaCommandSync"]);
/** Template tags that run the template as a command line. */
const TAGS = new Set(["$", "execa", "execaSync"]);
/** File-system functions whose first (and for copies, only the first) argument is read from the host. */
const FS_READ = new Set([
  "copyFile", "copyFileSync", "cp", "cpSync", "readFile", "readFileSync", "createReadStream", "access", "accessSync", "existsSync",
  "stat", "statSync", "lstat", "lstatSync", "readdir", "readdirSync", "readlink", "readlinkSync", "open", "openSync", "realpath", "realpathSync",
]);
const SHELLS = new Set(["sh", "bash", "dash"]);

/** Where Debian packages install: a literal under one of these is a host file some package must provide. */
const HOST_ROOTS = ["/bin", "/sbin", "/usr", "/etc", "/lib", "/lib64", "/opt", "/var", "/boot", "/home", "/root", "/srv"];

export function isHostPath(path: string): boolean {
  return HOST_ROOTS.some((root) => path === root || path.startsWith(root + "/"));
}

/** A run-time part of a string: a word holding it is not a fixed name. */
const DYNAMIC = "\u0000";

/** Every program started and host path read in one source file. */
export function scanSource(file: string, text: string): HostUse[] {
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const constants = fileConstants(source);
  const uses: HostUse[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const add = (node: ts.Node, kind: HostUse["kind"], name: string) => uses.push({ file, line: at(node), kind, name });
  const value = (node: ts.Node | undefined) => (node ? stringValue(node, constants) : undefined);

  const program = (node: ts.Node, name: string) => {
    if (name.includes(DYNAMIC) || name === "") return;
    if (name.startsWith("/")) add(node, "path", name);
    else if (!name.includes("/")) add(node, "program", name);
  };
  const hostPath = (node: ts.Node, path: string | undefined) => {
    if (path === undefined) return;
    const fixed = path.includes(DYNAMIC) ? path.slice(0, path.indexOf(DYNAMIC)) + "…" : path;
    if (isHostPath(fixed.replace(/…$/, ""))) add(node, "path", fixed);
  };
  const commandLine = (node: ts.Node, line: string) => {
    for (const word of shellCommands(line)) program(node, word);
    for (const word of shellWords(line)) hostPath(node, word);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      const [first, second] = node.arguments;
      if (name && SPAWN.has(name)) {
        const cmd = value(first);
        if (cmd !== undefined) {
          program(node, cmd);
          const args = second && ts.isArrayLiteralExpression(second) ? second.elements.map((e) => value(e)) : [];
          const script = SHELLS.has(basename(cmd)) ? args.findIndex((a) => a !== undefined && /^-[a-z]*c$/.test(a)) : -1;
          args.forEach((arg, i) => {
            if (arg === undefined) return;
            if (script >= 0 && i === script + 1) commandLine(node, arg);
            else hostPath(node, arg);
          });
        }
      } else if (name && SHELL.has(name) && !(name === "exec" && ts.isPropertyAccessExpression(node.expression))) {
        // `re.exec(text)` is a RegExp, not child_process.exec.
        const line = value(first);
        if (line !== undefined) commandLine(node, line);
      } else if (name && FS_READ.has(name)) {
        hostPath(node, value(first));
      }
    } else if (ts.isTaggedTemplateExpression(node)) {
      // $`…` and $(options)`…`
      const name = calleeName(ts.isCallExpression(node.tag) ? node.tag.expression : node.tag);
      if (name && TAGS.has(name)) {
        const line = value(node.template);
        if (line !== undefined) {
          const [cmd] = splitWords(line);
          if (cmd !== undefined) program(node, unquote(cmd));
          for (const word of splitWords(line).slice(1)) hostPath(node, unquote(word));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/** The uses that the allowances do not cover. */
export function unprovided(uses: readonly HostUse[], allow: HostAllowances): HostUse[] {
  const programs = new Set([...allow.programs, ...allow.provided.filter((p) => !p.startsWith("/"))]);
  const files = new Set(allow.provided.filter((p) => p.startsWith("/")));
  return uses.filter((use) => {
    if (use.kind === "program") return !programs.has(use.name);
    if (use.name.endsWith("…")) return !allow.paths.some((p) => use.name.startsWith(p));
    if (files.has(use.name) || allow.paths.some((p) => use.name.startsWith(p))) return false;
    // A program by its absolute path (/usr/bin/env) is as good as its name.
    return !(/^\/(usr\/)?s?bin\/[^/]+$/.test(use.name) && programs.has(posix.basename(use.name)));
  });
}

function calleeName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  return undefined;
}

/** `const NAME = <string>` anywhere in the file, when every such NAME has one value. */
function fileConstants(source: ts.SourceFile): Map<string, string> {
  const found = new Map<string, string | null>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isVariableDeclarationList(node.parent) && node.parent.flags & ts.NodeFlags.Const) {
      const v = stringValue(node.initializer, new Map());
      const name = node.name.text;
      if (v !== undefined && !v.includes(DYNAMIC)) found.set(name, found.has(name) && found.get(name) !== v ? null : v);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return new Map([...found].filter((e): e is [string, string] => e[1] !== null));
}

/** The string an expression stands for, with DYNAMIC for each part known only at run time. */
function stringValue(node: ts.Node, constants: Map<string, string>): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => DYNAMIC + s.literal.text).join("");
  if (ts.isIdentifier(node)) return constants.get(node.text);
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return stringValue(node.expression, constants);
  if (ts.isCallExpression(node) && ["join", "resolve"].includes(calleeName(node.expression) ?? "")) {
    const parts = node.arguments.map((a) => stringValue(a, constants) ?? DYNAMIC);
    return parts[0]?.startsWith("/") ? posix.join(...parts) : undefined;
  }
  return undefined;
}

const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in", "!", "{", "}", "time"]);
/** Builtins of POSIX sh: no program behind them. `exec` and `command` run the next word. */
const BUILTINS = new Set([
  ".", ":", "[", "alias", "break", "cd", "continue", "echo", "eval", "exit", "export", "false", "getopts", "kill", "local", "printf", "pwd",
  "read", "readonly", "return", "set", "shift", "test", "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
]);

/** The programs a shell command line starts: the command word of each simple command. */
export function shellCommands(line: string): string[] {
  const out: string[] = [];
  // $( … ) and ` … ` open a command too; $(( … )) is arithmetic, and the & of 2>&1 no separator.
  const commands = line.replace(/\$\(\([^)]*\)\)/g, DYNAMIC).split(/\n|;|&&|\|\||\||(?<![<>])&|\$\(|\(|\)|`/);
  for (const segment of commands) {
    const words = splitWords(segment).map(unquote);
    let i = 0;
    while (i < words.length) {
      const w = words[i]!;
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || KEYWORDS.has(w) || /^\d*[<>]/.test(w) || w === "exec" || w === "command") i++;
      else break;
    }
    const cmd = words[i];
    if (cmd === undefined || !/^[\w./+-]+$/.test(cmd) || BUILTINS.has(cmd)) continue;
    out.push(cmd);
  }
  return out;
}

/** Every word of a command line that is a plain absolute path (redirection targets included). */
function shellWords(line: string): string[] {
  return splitWords(line)
    .map((w) => unquote(w.replace(/^\d*[<>]+&?/, "")))
    .filter((w) => w.startsWith("/"));
}

/** Words split at blanks outside quotes. */
function splitWords(text: string): string[] {
  return text.match(/(?:[^\s'"]+|'[^']*'|"(?:[^"\\]|\\.)*")+/g) ?? [];
}

function unquote(word: string): string {
  return word.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, (_, a: string | undefined, b: string | undefined) => a ?? b ?? "");
}
