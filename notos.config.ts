// The repository's default system, like not-os's default configuration:
// runit, sshd and nginx on a Debian root, booted under QEMU.
import { defineSystem } from "@notos/core";
import { base, nginx, openssh, qemuGuest } from "@notos/modules";
import { sbomModule } from "@notos/sbom";

export default defineSystem({
  imports: [
    base,
    qemuGuest,
    openssh({
      // Put your SSH public key here (the contents of ~/.ssh/id_ed25519.pub),
      // then `npm run dist` and `ssh -p 2222 root@127.0.0.1`.
      authorizedKeys: [],
    }),
    nginx(),
    // dist/sbom.spdx.json and dist/sbom.cdx.json; /var/lib/dpkg/status in the root.
    sbomModule,
  ],
  system: { name: "notos" },
  environment: {
    etc: {
      motd: { text: "Welcome to notos.\n" },
    },
  },
});
