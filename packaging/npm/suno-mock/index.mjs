// The ES module face of index.js: the same functions, for `import ... from 'suno-mock'`.
import cjs from './index.js';

export const { check, serve, binaryPath, SunoMockError } = cjs;
export default cjs;
