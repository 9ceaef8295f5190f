export { ConfigError, GenesisError, IdentityError } from './errors.js';
export type { ConfigSource, IdentityErrorCode } from './errors.js';
export {
  MIN_EPOCH_DURATION_MS,
  NETWORK_NAME_PATTERN,
  canonicalJson,
  epochStartMs,
  genesisDigest,
  genesisTimeMs,
  loadGenesis,
  parseGenesis,
  writeGenesis,
} from './genesis.js';
export type { CommitteeMember, Genesis } from './genesis.js';
export { apportionShards, assignShards, maxFaulty, quorum, sortByPeerId, validity } from './shard-assignment.js';
export type { ShardAssignment } from './shard-assignment.js';
export {
  CONFIG_FILE_NAME,
  DEFAULT_LISTEN,
  ENV_VARIABLES,
  LOG_LEVELS,
  defaultNodeConfig,
  readNodeConfigFile,
  resolveNodeConfig,
  writeNodeConfigFile,
} from './node-config.js';
export type { LogLevel, NodeConfig, NodeConfigOverrides, ResolveNodeConfigOptions } from './node-config.js';
export {
  GOVERNANCE_PARAMETERS,
  GovernanceParameterError,
  MAX_EPOCH_DURATION_MS,
  checkGovernanceValue,
  checkGovernanceVote,
  governanceParameter,
  governanceValue,
  governanceValueProblem,
} from './governance.js';
export type { GovernanceParameter, GovernanceParameterType } from './governance.js';
export { IDENTITY_FILE_NAME, createIdentity, identityPath, loadIdentity } from './identity.js';
export type { NodeIdentity } from './identity.js';
