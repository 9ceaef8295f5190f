// The file I/O of genesis.ts. loadGenesis and writeGenesis import this module on first use, so
// genesis.ts itself pulls no Node built-ins: the light client (and a browser) import it for
// parseGenesis and the epoch helpers, and never need a file system.
export { readFile } from 'node:fs/promises';
export { isErrnoException, writeFileAtomic } from './files.js';
