export { AbortedError, CodecPool, CodecWorkerError, type CodecCallOptions, type CodecPoolOptions, type DecodeCallOptions } from './codec-pool.js';
