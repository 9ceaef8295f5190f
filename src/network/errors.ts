// Typed errors of the network layer.
import { FloeError } from '../core/errors.js';

/** A network name, protocol name, version or topic that cannot form a Floe protocol id. */
export class InvalidProtocolIdError extends FloeError {
  constructor(message: string) {
    super(message, { code: 'INVALID_PROTOCOL_ID' });
  }
}

/** A bootstrap or committee address that cannot be dialled as given (not a multiaddr, no /p2p/<peerId>). */
export class InvalidPeerAddressError extends FloeError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'INVALID_PEER_ADDRESS', cause });
  }
}
