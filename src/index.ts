// The floe package: the RedStuff codec (pure), its worker-thread pool (Node) and the light client.
export * from './encoding/index.js';
export * from './workers/index.js';
export * from './client/index.js';
