// create-notos: the project `npm create notos` starts — scaffold() computes
// its files, createProject() writes them. The command is src/cli.ts.
export { scaffold, isPublicKey, packageName, systemName, type ProjectFile, type ScaffoldOptions } from "./scaffold.js";
export { createProject, readSshKeys, readTemplate, detectPackageManager, templateDir, type CreateProjectOptions } from "./project.js";
export { CreateError } from "./errors.js";
