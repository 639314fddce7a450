// Booting from a disk image or an ISO instead of the kernel directly: the
// firmware (SeaBIOS, QEMU's default, or OVMF for UEFI) reads the boot loader
// from the image, and the image's own command line finds the root partition.
// The images are whatever a builder put into dist/ under these names
// (@notos/disk writes them); this package only knows how to attach them.
// Pure data, like args.ts: runvm and Machine build the same VM from it.
import { qemuOptValue } from "./quote.js";

/** Which firmware boots the image. */
export type BootFirmware = "bios" | "uefi";

/** A disk image or an ISO to boot from, instead of -kernel/-initrd/-append. */
export interface BootMedia {
  /** The image file. */
  file: string;
  /** Default "raw" (an ISO is raw). */
  format?: "raw" | "qcow2";
  /** Default "bios". */
  firmware?: BootFirmware;
  /** The UEFI firmware image; default OVMF_FIRMWARE (OVMF_SECURE_BOOT_CODE with `secureBoot`). */
  ovmf?: string;
  /**
   * UEFI with Secure Boot: OVMF's SMM build with `vars`, a writable variable
   * store (a copy of a signed build's OVMF_VARS.fd: the firmware writes to it).
   */
  secureBoot?: { vars: string };
  /** Attach it as a CD-ROM drive (an ISO's El Torito boot) instead of a virtio disk. */
  cdrom?: boolean;
}

/** Debian's ovmf package: the combined OVMF image, which `-bios` takes (no variable store to keep). */
export const OVMF_FIRMWARE = "/usr/share/ovmf/OVMF.fd";

/** Debian's ovmf package: the SMM build that enforces Secure Boot (q35, smm=on, secure pflash). */
export const OVMF_SECURE_BOOT_CODE = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd";

/**
 * The variable store a signed build puts into dist/ (@notos/sign): the
 * user's certificate enrolled as PK, KEK and db. With it, `runvm --uefi`
 * boots the Secure Boot firmware, so OVMF runs only a UKI that key signed.
 */
export const SECURE_BOOT_VARS_FILE = "OVMF_VARS.fd";

/**
 * QEMU arguments for OVMF with Secure Boot: the SMM firmware read-only and
 * `vars`, a writable copy of a variable store (the firmware writes to it),
 * on secure flash that only SMM code may write.
 */
export function secureBootArgs(options: { vars: string; code?: string }): string[] {
  return [
    "-machine", "q35,smm=on",
    "-global", "driver=cfi.pflash01,property=secure,value=on",
    "-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${qemuOptValue(options.code ?? OVMF_SECURE_BOOT_CODE)}`,
    "-drive", `if=pflash,format=raw,unit=1,file=${qemuOptValue(options.vars)}`,
  ];
}

/** The files in dist/ that `runvm --disk` and `--iso` boot, in order of preference. */
export const MEDIA_FILES = {
  disk: [
    { name: "disk.img", format: "raw" },
    { name: "disk.qcow2", format: "qcow2" },
  ],
  iso: [{ name: "disk.iso", format: "raw", cdrom: true }],
} as const;

/**
 * QEMU arguments that boot `media`: the firmware for UEFI, and the image as
 * a read-only virtio disk, or a CD-ROM drive (`cdrom`). Read-only keeps
 * dist/ as it was built (the root is a read-only squashfs with a tmpfs
 * overlay anyway). runvm's --iso attaches disk.iso as a CD, as a VM
 * platform would; a hybrid ISO also boots as a disk (`cdrom: false`).
 */
export function bootMediaArgs(media: BootMedia): string[] {
  const firmware = media.firmware ?? "bios";
  return [
    ...(firmware !== "uefi" ? [] : media.secureBoot ? secureBootArgs({ vars: media.secureBoot.vars, code: media.ovmf ?? OVMF_SECURE_BOOT_CODE }) : ["-bios", media.ovmf ?? OVMF_FIRMWARE]),
    "-drive", `file=${qemuOptValue(media.file)},${media.cdrom ? "media=cdrom" : "if=virtio"},format=${media.format ?? "raw"},readonly=on`,
  ];
}

/**
 * The part of runvm that picks the boot: `--disk` (dist's disk.img, else
 * disk.qcow2), `--iso` (disk.iso), `--uefi` (OVMF; NOTOS_OVMF overrides),
 * each consumed from the front of "$@"; without them, `direct` — the
 * direct-boot arguments. It sets the bash array `boot_args`. With --uefi
 * and a signed build's OVMF_VARS.fd beside runvm, the firmware is OVMF's
 * Secure Boot build (secureBootArgs) with a temporary copy of that store,
 * and `launch` is emptied so runvm waits for QEMU and removes the copy. `word` turns
 * an argument into a shell word (runvm's, which expands its placeholders),
 * `lines` lays out the direct-boot arguments as runvm lays out its own;
 * `here` is the placeholder of runvm's directory.
 */
export function runvmMediaBlock(options: { direct: readonly string[]; here: string; word: (arg: string) => string; lines?: (args: readonly string[], indent: string) => string }): string {
  const words = (args: readonly string[]) => args.map(options.word).join(" ");
  const attach = (kind: keyof typeof MEDIA_FILES) =>
    MEDIA_FILES[kind]
      .map((m, i) => {
        const path = `${options.here}/${m.name}`;
        return `    ${i === 0 ? "if" : "elif"} [ -r ${options.word(path)} ]; then boot_args=(${words(bootMediaArgs({ file: path, format: m.format, cdrom: "cdrom" in m }))})`;
      })
      .concat([
        `    else die "no ${MEDIA_FILES[kind].map((m) => m.name).join(" or ")} in $here: add @notos/disk's diskModule to the system (with ${kind === "iso" ? "iso" : "raw or qcow2"} in disk.formats) and build it"`,
        "    fi",
      ])
      .join("\n");
  return `# The boot: the kernel directly, or a disk image or ISO through the firmware.
launch=exec
media=
firmware=bios
while [ $# -gt 0 ]; do
  case $1 in
    --disk) media=disk ;;
    --iso) media=iso ;;
    --uefi) firmware=uefi ;;
    --bios) firmware=bios ;;
    *) break ;;
  esac
  shift
done
case $media in
  disk)
${attach("disk")}
    ;;
  iso)
${attach("iso")}
    ;;
  *)
    [ "$firmware" = bios ] || die "--uefi boots a disk image or an ISO: add --disk or --iso"
    boot_args=(${options.lines ? `\n${options.lines(options.direct, "      ")}\n    ` : words(options.direct)})
    ;;
esac
if [ "$firmware" = uefi ] && [ -r "$here/${SECURE_BOOT_VARS_FILE}" ]; then
  # A signed build: OVMF's Secure Boot firmware with dist/'s variable store (the signer's
  # certificate enrolled), so the firmware runs only a UKI that key signed. The firmware
  # writes to its store, so it gets a temporary copy; dist/ stays as it was built.
  ovmf=\${NOTOS_OVMF:-${OVMF_SECURE_BOOT_CODE}}
  [ -r "$ovmf" ] || die "Secure Boot firmware $ovmf not found: install Debian's ovmf package (apt-get install ovmf) or set NOTOS_OVMF"
  vars=$(mktemp "\${TMPDIR:-/tmp}/notos-ovmf-vars.XXXXXX") || die "cannot make a temporary copy of $here/${SECURE_BOOT_VARS_FILE}"
  trap 'rm -f "$vars"' EXIT
  cp "$here/${SECURE_BOOT_VARS_FILE}" "$vars"
  launch= # not exec: the copy is removed when QEMU ends
  echo "runvm: UEFI Secure Boot: $ovmf with the keys of $here/${SECURE_BOOT_VARS_FILE}; the firmware runs only a UKI they signed" >&2
  boot_args=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on -drive "if=pflash,format=raw,unit=0,readonly=on,file=\${ovmf//,/,,}" -drive "if=pflash,format=raw,unit=1,file=\${vars//,/,,}" "\${boot_args[@]}")
elif [ "$firmware" = uefi ]; then
  ovmf=\${NOTOS_OVMF:-${OVMF_FIRMWARE}}
  [ -r "$ovmf" ] || die "UEFI firmware $ovmf not found: install Debian's ovmf package (apt-get install ovmf) or set NOTOS_OVMF"
  boot_args=(-bios "$ovmf" "\${boot_args[@]}")
fi`;
}
