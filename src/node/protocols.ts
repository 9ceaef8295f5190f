// The node's request/response protocols as data: one descriptor each (name, version, stream
// limits, handler factory), registered in one loop that hands every handler the node's stop signal
// and error counter, so a stopping node answers exchanges in progress with UNAVAILABLE.
import type { Connection, Stream } from '@libp2p/interface';
import type { FloeLibp2p } from '../network/libp2p.js';
import { protocolId } from '../network/protocol-ids.js';
import type { HandlerOptions } from '../../protocols/common/serve.js';

export type StreamHandler = (stream: Stream, connection: Connection) => Promise<void>;

export interface ProtocolDescriptor {
  /** The protocol name inside the network's protocol ID, e.g. `store`; also the metrics label. */
  readonly name: string;
  readonly version: string;
  readonly limits: { readonly maxInboundStreams: number; readonly maxOutboundStreams: number };
  /** Builds the handler; `options` carries the stop signal and the error counter. */
  readonly handler: (options: Pick<HandlerOptions<never>, 'signal' | 'onError'>) => StreamHandler;
}

export interface RegisterProtocolsOptions {
  readonly network: string;
  /** Aborts every exchange in progress when the node stops. */
  readonly signal: AbortSignal;
  /** Counts an exchange's error, by protocol name. */
  readonly onError: (protocol: string, error: unknown) => void;
}

/** Registers every descriptor; returns the unregistration (idempotent). Registration failing half-way unregisters what it did. */
export async function registerProtocols(libp2p: FloeLibp2p, descriptors: readonly ProtocolDescriptor[], options: RegisterProtocolsOptions): Promise<() => Promise<void>> {
  const registered: string[] = [];
  const unregister = async (): Promise<void> => {
    for (const id of registered.splice(0).reverse()) await libp2p.unhandle(id).catch(() => undefined);
  };
  try {
    for (const descriptor of descriptors) {
      const id = protocolId(options.network, descriptor.name, descriptor.version);
      const handler = descriptor.handler({ signal: options.signal, onError: (error) => options.onError(descriptor.name, error) });
      await libp2p.handle(id, handler, { maxInboundStreams: descriptor.limits.maxInboundStreams, maxOutboundStreams: descriptor.limits.maxOutboundStreams });
      registered.push(id);
    }
  } catch (error) {
    await unregister();
    throw error;
  }
  return unregister;
}
