export { FIRMWARE_DEBIAN_PACKAGES, type FirmwareBuild, firmwareBuild } from './firmware-paths.js';
export { FirmwareSim, type FirmwareSimOptions, type PinChangeOptions } from './firmware-sim.js';
