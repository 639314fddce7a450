// Commands on top of packages the CLI does not depend on (`notos diff` on
// @notos/sbom, `notos site` on @notos/site): each is an optional peer,
// imported when its command runs, so the CLI itself needs core and debian
// alone — and a missing one is an error saying what to install.
import { NotosError } from "@notos/core";

export async function optionalPackage<T>(specifier: string, command: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND" || (error as { code?: string }).code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      const name = specifier.split("/").slice(0, 2).join("/");
      throw new NotosError(`\`${command}\` needs ${name}, which is not installed (or not built).`, {
        code: "OPTIONAL_PACKAGE",
        hint: `npm install ${name} (in this repository: npx turbo run build --filter=${name}).`,
        cause: error,
      });
    }
    throw error;
  }
}
