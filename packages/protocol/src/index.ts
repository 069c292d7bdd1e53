export * from './alexa/index.js';
export * from './config/index.js';
export * from './errors.js';
export * from './gesture.js';
export * from './names.js';
export * from './signature.js';
export * from './wire/index.js';
export * from './wire/message.js';
