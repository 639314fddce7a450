// {{name}}: a notos system — runit, sshd and nginx on a Debian root, booted
// under QEMU. `npm run dist` builds it into dist/, `./dist/runvm` boots it.
// Every option, with its type and default: `npx notos options`.
import { defineSystem } from "@notos/core";
import { base, nginx, openssh, qemuGuest } from "@notos/modules";

export default defineSystem({
  imports: [
    base,
    qemuGuest,
    openssh({
      // {{keysComment}}
      authorizedKeys: [{{authorizedKeys}}],
    }),
    nginx(),
  ],
  system: { name: "{{systemName}}" },
  environment: {
    etc: {
      motd: { text: "Welcome to {{systemName}}.\n" },
    },
  },
});
