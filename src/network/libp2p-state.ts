// libp2p's state on disk: a datastore-fs directory (one file per key, written to a temp file and
// renamed into place) holding the peer store (addresses, protocols, keys, tags: the DHT routing
// table's peers are tagged) and the DHT's records. Losing it costs nothing but a bootstrap; it is
// not where a node keeps anything that must be durable (slivers live in storage/).
import { FsDatastore } from 'datastore-fs';

/** DIR/<LIBP2P_STATE_DIR_NAME>: the node directory's libp2p state. */
export const LIBP2P_STATE_DIR_NAME = 'libp2p';

export interface LibP2pState {
  readonly datastore: FsDatastore;
  close(): Promise<void>;
}

/** Opens (creating if missing) the datastore at `path`. */
export async function openLibp2pState(path: string): Promise<LibP2pState> {
  const datastore = new FsDatastore(path, { createIfMissing: true });
  await datastore.open();
  return { datastore, close: () => datastore.close() };
}
