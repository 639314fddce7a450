// autohalt: power the machine off a while after boot (not-os's test service).
import { NotosError, type ModuleDefinition, defineModule } from "@notos/core";

export interface AutohaltOptions {
  /** Seconds after stage 2 starts (default 10). */
  delay?: number;
}

export function autohalt(options: AutohaltOptions = {}): ModuleDefinition {
  const delay = options.delay ?? 10;
  if (!Number.isInteger(delay) || delay < 0) {
    throw new NotosError(`autohalt({ delay }) must be a whole number of seconds, got ${String(delay)}`, {
      code: "MODULE_INVALID",
      hint: "give the delay in seconds, e.g. autohalt({ delay: 10 }), or leave it out for 10",
    });
  }
  return defineModule({
    name: "autohalt",
    services: {
      autohalt: { run: `echo "autohalt: powering off in ${delay} s"\nsleep ${delay}\nexec /usr/sbin/poweroff` },
    },
  });
}
