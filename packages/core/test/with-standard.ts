// evalSystem with the standard packages' options declared (see
// fixtures/standard-options.ts): the root module keeps its own identity
// (file, name) and gains one import.
import { evalSystem as evaluate, type EvalOptions, type EvaluatedSystem } from "../src/eval.js";
import type { Module, ModuleDefinition } from "../src/module.js";
import { standardOptions } from "./fixtures/standard-options.js";

export function evalSystem(root: Module, options?: EvalOptions): EvaluatedSystem {
  if (typeof root === "function" || root === null || typeof root !== "object") {
    const wrapped: Module = { imports: [standardOptions, root as Module], ...(options?.file ? { file: options.file } : {}) };
    return evaluate(wrapped, options);
  }
  const imports = (root as ModuleDefinition).imports;
  // A broken `imports` is left as it is, for the error it should give.
  if (imports !== undefined && !Array.isArray(imports)) return evaluate(root, options);
  return evaluate({ ...(root as ModuleDefinition), imports: [standardOptions, ...(imports ?? [])] }, options);
}

export { standardOptions };
