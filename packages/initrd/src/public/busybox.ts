// @notos/initrd/busybox: stage 1's static busybox out of its .deb, and its applet links.
export { busyboxFromDeb, busyboxApplets, FALLBACK_APPLETS, type Busybox } from "../busybox.js";
