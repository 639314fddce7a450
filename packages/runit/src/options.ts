// The option paths the runit layer reads, in one place: the builder declares
// them (so its store key hashes exactly them) and every function of this
// package is typed by the slice they give, so reading anything else fails to
// compile instead of silently escaping the key.
import type { OptionSlice } from "@notos/core";

/**
 * `users` and `groups` whole, though only names and ids matter here (names
 * resolve to ids in stage 1, and validation checks they exist): an option
 * path cannot pick one field out of every record entry.
 */
export const RUNIT_READS = [
  "services",
  "runit",
  "networking.hostname",
  "networking.interfaces",
  "networking.nameservers",
  "users",
  "groups",
  "boot.kernel.sysctl",
  "boot.stage2Init",
] as const;

/** The part of the configuration the runit layer reads. */
export type RunitOptions = OptionSlice<(typeof RUNIT_READS)[number]>;
