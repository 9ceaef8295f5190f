// Names and versions of Floe's stream protocols. The node and the client build the ids
// (`/floe/<network>/<name>/<version>`, src/network/protocol-ids.ts) from these.

export const PROTOCOL_NAMES = ['store', 'read', 'recovery'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** Wire version of each protocol; a breaking change of its .proto or flow bumps the major. */
export const PROTOCOL_VERSIONS: Readonly<Record<ProtocolName, string>> = {
  store: '1.0.0',
  read: '1.0.0',
  recovery: '1.0.0',
};
