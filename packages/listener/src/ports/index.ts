export { type FindPortResult, findPort, normalizeUsbId, type PortMatch, preferredPath } from './find-port.js';
export {
  BY_ID_DIR,
  type ListPortsOptions,
  listPorts,
  type PortInfo,
  type RawPortInfo,
} from './list-ports.js';
