export { freshDir } from './fresh-dir.js';
export { waitFor } from './wait-for.js';
