// The option paths the etc layer reads, in one place: the builder declares
// them (so its store key hashes exactly them) and every function of this
// package is typed by the slice they give, so reading anything else fails to
// compile instead of silently escaping the key.
import type { OptionSlice } from "@notos/core";

/**
 * `networking` as a whole: the layer reads its hostname, domain, nameservers
 * and hosts, but `domain` is optional and absent when unset, and a builder
 * may only read paths that are always present.
 */
export const ETC_READS = ["system", "users", "groups", "networking", "environment.etc", "environment.variables"] as const;

/** The part of the configuration the etc layer reads. */
export type EtcOptions = OptionSlice<(typeof ETC_READS)[number]>;
