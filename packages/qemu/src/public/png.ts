// @notos/qemu/png: the PNG writer behind machine.screenshot() on QEMUs whose
// screendump writes only PPM.
export { encodePng, ppmToPng } from "../png.js";
