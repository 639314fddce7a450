// @notos/qemu/accel: whether KVM really boots a kernel here — the probe
// Machine and runvm run before choosing KVM over TCG.
export { accelProbe, type AccelProbeOptions } from "../accel.js";
