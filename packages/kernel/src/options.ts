// The options that choose the kernel and its modules belong to this
// package: the kernel builder is what reads them (and its store key hashes
// exactly them). `boot.initrd.kernelModules` lives under the initrd's
// namespace because stage 1 loads those modules, but which modules exist —
// and so which names are valid — is the kernel's business, and the kernel
// must ship them.
import { z } from "zod";

const kernelPackageSchema = z
  .string()
  .default("linux-image-cloud-amd64")
  .describe("Debian package the kernel comes from (a metapackage is followed to its linux-image-* package).");
const kernelModulesSchema = z
  .array(z.string())
  .default([])
  .describe("Kernel modules loaded by stage 1 after the root is mounted (they are shipped in the initrd).");
const initrdKernelModulesSchema = z.array(z.string()).default([]).describe("Kernel modules stage 1 loads before it looks for the root device.");

/** The option paths @notos/kernel declares, with their schemas. */
export const kernelOptions = {
  "boot.kernel.package": kernelPackageSchema,
  "boot.kernelModules": kernelModulesSchema,
  "boot.initrd.kernelModules": initrdKernelModulesSchema,
};

declare module "@notos/core" {
  interface NotosOptions {
    "boot.kernel.package": typeof kernelPackageSchema;
    "boot.kernelModules": typeof kernelModulesSchema;
    "boot.initrd.kernelModules": typeof initrdKernelModulesSchema;
  }
}

