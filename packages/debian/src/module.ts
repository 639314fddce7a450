// The module that gives a system the `debian` options. It adds no builder:
// the archive is a package source, not an artifact. Every module of a
// builder that takes Debian packages imports it, so a system that uses any
// of them gets the options once (one module object, one declaration).
import { defineModule } from "@notos/core";
import { debianOptions } from "./options.js";

export const debianModule = defineModule({ name: "@notos/debian", options: debianOptions });
