import { fileURLToPath } from "node:url";
import { mergeConfig } from "vitest/config";
import { packageTestConfig } from "../../vitest.shared.ts";

// The shared config points each @notos/<pkg> at its src/index.ts, and so
// would turn @notos/core/tree into a path below that file; a subpath's source
// is src/public/<name>.ts. Aliases given here are tried before the shared ones.
const packagesDir = fileURLToPath(new URL("..", import.meta.url));
export const subpath = { find: /^@notos\/([^/]+)\/([^/.]+)$/, replacement: `${packagesDir}$1/src/public/$2.ts` };

export default mergeConfig(packageTestConfig(), { resolve: { alias: [subpath] } });
