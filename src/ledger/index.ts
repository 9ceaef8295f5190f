// The ledger (docs/economy.md): FLOE amounts, FastPay orders, votes and certificates, the pure
// state machine of one member, close reports for committee changes, prices and rewards. Pure: no
// I/O and no timers; keys through @libp2p/crypto and @libp2p/peer-id only.
export * from './codec.js';
export * from './economics.js';
export * from './errors.js';
export * from './journal.js';
export * from './messages.js';
export * from './state.js';
export * from './units.js';
export * from './epoch-rewards.js';
export * from './stake-weights.js';
export * from './pools-digest.js';
