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

/** A listen address this host cannot bind: the port is in use, or the address is not one of its own. */
export class ListenAddressError extends FloeError {
  readonly addresses: readonly string[];

  constructor(addresses: readonly string[], cause?: unknown) {
    super(`cannot listen on ${addresses.join(', ')}: the port is in use or the address is not this host's`, { code: 'LISTEN_ADDRESS', cause });
    this.addresses = addresses;
  }
}
