export { freshDir } from './fresh-dir.js';
export { type Mosquitto, type MosquittoOptions, type MosquittoUser, startMosquitto } from './mosquitto.js';
export { waitFor } from './wait-for.js';
