// Injected into every bundle by scripts/build.mjs (esbuild `inject`): CommonJS globals that
// bundled CommonJS dependencies (e.g. write-file-atomic) read but ES modules do not define.
// esbuild replaces references to these free names with the exports below, renaming as needed,
// so they never collide with a module's own `__filename`.
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';

export const __filename = fileURLToPath(import.meta.url);
export const __dirname = dirname(__filename);
