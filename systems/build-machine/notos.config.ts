// The build-machine variant, like not-os's linux-build-slave.nix: the default
// system plus a persistent disk that holds the writable overlay, so what is
// written in the VM (a toolchain, build caches) survives a reboot.
//   NOTOS_SYSTEM=systems/build-machine/notos.config.ts npm run dist
//   ./dist/runvm      # creates build-machine.img (sparse, 8G) beside dist/ on first start;
//                     # it lives outside dist/, which every build replaces
import { defineSystem, mkForce } from "@notos/core";
import defaultSystem from "../../notos.config.ts";

export default defineSystem({
  imports: [defaultSystem],
  system: { name: mkForce("notos-build-machine") },
  networking: { hostname: "build-machine" },
  boot: { initrd: { overlay: { device: "/dev/vdb" } } },
  qemu: {
    memory: 2048,
    cpus: 2,
    disks: [{ file: "../build-machine.img", size: "8G" }],
  },
});
