// @notos/qemu/qmp: the QMP client Machine drives QEMU with, for a tool that
// talks to a QEMU of its own. A test reaches QMP through machine.qmpCommand().
export { QmpClient, QmpError } from "../qmp.js";
