// The default system with its disk images: dist/ gets disk.img (raw GPT),
// disk.qcow2 and disk.iso (hybrid) beside the files of a direct kernel
// boot. Images take a few seconds more per build, so the default system
// leaves them out and this one opts in:
//   NOTOS_SYSTEM=systems/disk/notos.config.ts npm run dist
//   ./dist/runvm --disk --uefi      (or --disk, --iso)
import { defineSystem, mkForce } from "@notos/core";
import { diskModule } from "@notos/disk";
import defaultSystem from "../../notos.config.ts";

export default defineSystem({
  imports: [defaultSystem, diskModule],
  services: {
    // qemuGuest's power-button service reads /dev/eventN with a one-byte
    // read; the device is /dev/input/eventN and evdev only hands out whole
    // events (24 bytes), so the read fails and the service powers off. A
    // direct boot usually starts it before the ACPI button exists; booted
    // through a firmware, the button is always there first. The same
    // service, reading where and how evdev answers, until qemuGuest does.
    "power-button": {
      run: mkForce(`for d in /sys/class/input/event*; do
  if [ "$(cat "$d/device/name" 2>/dev/null)" = "Power Button" ]; then dev=/dev/input/\${d##*/}; break; fi
done
if [ -z "$dev" ]; then echo "power-button: no ACPI power button"; exec sleep infinity; fi
dd if="$dev" of=/dev/null bs=24 count=1 status=none
echo "power-button: pressed, powering off"
exec poweroff`),
    },
  },
});
