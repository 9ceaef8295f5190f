// Typed errors of the config layer. Messages are one line and name the offending field, so the
// CLI can print them as they are.
import { FloeError } from '../core/errors.js';

/** A genesis file that is missing, not JSON, or has a field that breaks the rules of genesis.ts. */
export class GenesisError extends FloeError {
  /** Dotted path of the bad field (`committee[2].weight`), or undefined for file-level problems. */
  readonly field: string | undefined;

  constructor(message: string, options?: { field?: string; cause?: unknown }) {
    super(message, { code: 'GENESIS_INVALID', cause: options?.cause });
    this.field = options?.field;
  }
}

/** Where a configuration value came from; precedence is defaults < file < env < flags. */
export type ConfigSource = 'defaults' | 'file' | 'env' | 'flags';

/** An invalid node configuration value, with the field it was meant for and why it was refused. */
export class ConfigError extends FloeError {
  readonly field: string;
  readonly reason: string;
  readonly source: ConfigSource;

  constructor(field: string, reason: string, source: ConfigSource, cause?: unknown) {
    super(`invalid ${field} (from ${source}): ${reason}`, { code: 'CONFIG_INVALID', cause });
    this.field = field;
    this.reason = reason;
    this.source = source;
  }
}

export type IdentityErrorCode = 'IDENTITY_EXISTS' | 'IDENTITY_MISSING' | 'IDENTITY_CORRUPT';

/** The node key cannot be created (one exists already) or loaded (missing, unreadable, not Ed25519). */
export class IdentityError extends FloeError {
  declare readonly code: IdentityErrorCode;

  constructor(code: IdentityErrorCode, message: string, cause?: unknown) {
    super(message, { code, cause });
  }
}
