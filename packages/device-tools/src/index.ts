export * from './doctor/index.js';
export * from './firmware-sim/index.js';
export * from './pty/index.js';
export * from './virtual-remote/index.js';
