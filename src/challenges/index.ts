// Storage challenges (DESIGN.md section 6): sampling, proofs, schedule, signed results, scores.
// Pure: no I/O, no timers; the challenge protocol (protocols/challenge) and the node use it.
export * from './embargo.js';
export * from './errors.js';
export { EPOCH_SEED_LENGTH } from './prf.js';
export * from './proofs.js';
export * from './results.js';
export * from './sample.js';
export * from './schedule.js';
export * from './score-votes.js';
export * from './scores.js';
