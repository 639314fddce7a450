// `npm create notos [DIR] [-- --name NAME --key FILE]`: writes the project
// and says the next commands. Arguments are few and fixed, so they are read
// by hand (no dependency); every error says what to do.
import { relative } from "node:path";
import { CreateError } from "./errors.js";
import { createProject } from "./project.js";

const USAGE = `usage: npm create notos [DIR] [-- --name NAME] [-- --key FILE.pub]

Writes a new notos project into DIR (default: notos-system): package.json,
turbo.json, notos.config.ts (with your ~/.ssh/*.pub keys), .gitignore and a
README. Then: cd DIR && npm install && npm run dist && ./dist/runvm

  --name NAME   the npm package name (default: from DIR)
  --key FILE    a public key for root's login instead of ~/.ssh/*.pub (repeatable)
`;

function parse(argv: string[]): { dir: string; name?: string; keyFiles: string[] } | "help" {
  let dir: string | undefined;
  let name: string | undefined;
  const keyFiles: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new CreateError(`${arg} needs a value`, { code: "CREATE_USAGE", hint: USAGE.split("\n")[0]! });
      return v;
    };
    if (arg === "-h" || arg === "--help") return "help";
    else if (arg === "--name") name = value();
    else if (arg === "--key") keyFiles.push(value());
    else if (arg.startsWith("-")) throw new CreateError(`unknown option ${arg}`, { code: "CREATE_USAGE", hint: USAGE.split("\n")[0]! });
    else if (dir === undefined) dir = arg;
    else throw new CreateError(`one directory only (got ${dir} and ${arg})`, { code: "CREATE_USAGE", hint: USAGE.split("\n")[0]! });
  }
  return { dir: dir ?? "notos-system", ...(name === undefined ? {} : { name }), keyFiles };
}

try {
  const args = parse(process.argv.slice(2));
  if (args === "help") {
    process.stdout.write(USAGE);
  } else {
    const made = createProject(args);
    const where = relative(process.cwd(), made.dir) || ".";
    const keys = made.keyFiles.length ? `root may log in with the key${made.keyFiles.length > 1 ? "s" : ""} of ${made.keyFiles.join(", ")}` : "no SSH key found in ~/.ssh: put yours into notos.config.ts before you build";
    process.stdout.write(
      `Created ${where}: ${made.files.map((f) => f.path).join(", ")}\n${keys}\n\nNext:\n  cd ${where}\n  npm install\n  npm run dist\n  ./dist/runvm\n`,
    );
  }
} catch (error) {
  if (error instanceof CreateError) {
    process.stderr.write(`error: ${error.message}\nhint: ${error.hint}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)} (this looks like a bug in create-notos)\n`);
  }
  process.exitCode = 1;
}
