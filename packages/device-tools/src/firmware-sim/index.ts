export {
  FIRMWARE_DEBIAN_PACKAGES,
  type FirmwareBuild,
  firmwareBuild,
  missingFirmwarePackages,
  type ToolchainProbe,
} from './firmware-paths.js';
export {
  FIRMWARE_BUTTONS,
  FIRMWARE_DEVICE_ID,
  FirmwarePlayer,
  type FirmwarePlayerOptions,
  firmwareScriptProblems,
  firmwareStepProblem,
} from './firmware-player.js';
export {
  FirmwareSim,
  type FirmwareSimOptions,
  type PinChangeOptions,
  SIM_FREQUENCY_HZ,
  type SimInstant,
  simMsBetween,
} from './firmware-sim.js';
