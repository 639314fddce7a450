// The option tree of a notos system: one zod schema that every builder reads.
// Every option has a default and a description; `notos options` lists them.
import { z } from "zod";
import type { DeclaredConfig, DeclaredInput, FoundDeclaration } from "./declare.js";

const absolutePath = z.string().startsWith("/", "an absolute path");

/** The options core itself declares: the ones every system has, whichever builders it uses. */
export const systemSchema = z.strictObject({
  system: z
    .strictObject({
      name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).default("notos").describe("The system's name, shown in os-release and on the default web page."),
      version: z.string().default("0.1.0").describe("The system's version, shown in os-release."),
    })
    .prefault({}),
  boot: z
    .strictObject({
      stage2Init: absolutePath.default("/usr/lib/notos/stage-2").describe("Where the root's stage-2 init is (the runit layer puts it there), which stage 1 switches to."),
    })
    .prefault({}),
});

/** The options every system has, whichever builders it uses: its identity, and where stage 1 hands over to stage 2. */
export const ownDeclarations: readonly FoundDeclaration[] = [
  { path: "system", schema: systemSchema.shape.system, file: "@notos/core" },
  { path: "boot.stage2Init", schema: systemSchema.shape.boot.unwrap().shape.stage2Init, file: "@notos/core" },
];

/** The evaluated configuration of a notos system: every option present, defaults filled in. */
export type SystemConfig = z.output<typeof systemSchema> & DeclaredConfig;
/** What a module may write: every option optional, at any depth. */
export type SystemOptions = z.input<typeof systemSchema> & DeclaredInput;
