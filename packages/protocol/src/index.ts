export * from './errors.js';
export * from './gesture.js';
export * from './wire/message.js';
