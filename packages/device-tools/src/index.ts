export * from './doctor/index.js';
export * from './pty/index.js';
export * from './virtual-remote/index.js';
