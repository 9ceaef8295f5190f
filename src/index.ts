// The floe package: the RedStuff codec (pure) and its worker-thread pool (Node).
export * from './encoding/index.js';
export * from './workers/index.js';
