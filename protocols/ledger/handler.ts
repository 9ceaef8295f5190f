// Server side of the ledger protocol: answers LedgerRequests one after another until the client
// closes its side. A well-framed request that cannot be answered (bad signature, unknown signer,
// a service timeout) gets an Error frame and the stream goes on; a framing failure, an idle
// stream or a broken write ends it.
import type { Connection, Stream } from '@libp2p/interface';
import {
  decodeCertificate,
  decodeSignedOrder,
  encodeCertificate,
  encodeCloseReport,
  encodeSignedOrder,
  encodeVote,
  LedgerError,
  type VoteRefusal,
} from '../../src/ledger/index.js';
import { hasCode, ProtocolError, toWireError } from '../common/errors.js';
import { FRAME_OVERHEAD_BYTES, FramedStream, plainBytes } from '../common/framing.js';
import { type HandlerOptions, reportError, serveStream } from '../common/serve.js';
import { runStage } from '../common/stage.js';
import { LedgerRequest, LedgerResponse, type Refusal } from './ledger.generated.js';
import { LEDGER_LIMITS, type LedgerLimits } from './limits.js';
import type { LedgerService } from './service.js';

export type LedgerHandler = (stream: Stream, connection: Connection) => Promise<void>;

const PIPELINED_REQUESTS = 4;

export function createLedgerHandler(service: LedgerService, options: HandlerOptions<LedgerLimits> = {}): LedgerHandler {
  const limits: LedgerLimits = { ...LEDGER_LIMITS, ...options.limits };
  return async (stream) => {
    const framed = new FramedStream<LedgerRequest, Partial<LedgerResponse>>(
      stream,
      { decode: (frame) => LedgerRequest.decode(frame), encode: (message) => LedgerResponse.encode(message) },
      {
        maxMessageBytes: limits.maxRequestBytes,
        maxBufferedBytes: PIPELINED_REQUESTS * (limits.maxRequestBytes + FRAME_OVERHEAD_BYTES),
        malformedCode: 'INVALID_REQUEST',
      },
    );
    await serveStream(
      framed,
      { closeTimeoutMs: limits.closeTimeoutMs, writeTimeoutMs: limits.writeTimeoutMs, signal: options.signal, onError: options.onError, errorMessage: (error) => ({ error }) },
      async (signal) => {
        while (true) {
          let request: LedgerRequest;
          try {
            request = await framed.read('waiting for a request', limits.requestTimeoutMs, signal);
          } catch (error) {
            if (hasCode(error, 'UNAVAILABLE') && !signal.aborted) return; // the client closed its side
            throw error;
          }
          let response: Partial<LedgerResponse>;
          try {
            response = await answer(service, request, limits, signal);
          } catch (error) {
            if (signal.aborted) throw error;
            // A message that fails its checks (signature, committee, fields) is the peer's fault.
            const refused = error instanceof LedgerError ? new ProtocolError('INVALID_REQUEST', error.message, { cause: error }) : error;
            if (!(refused instanceof ProtocolError)) reportError(stream, options.onError, refused);
            response = { error: toWireError(refused) };
          }
          await framed.write(response, 'sending an answer', limits.writeTimeoutMs, signal);
        }
      },
    );
  };
}

async function answer(service: LedgerService, request: LedgerRequest, limits: LedgerLimits, signal: AbortSignal): Promise<Partial<LedgerResponse>> {
  const call = <T>(name: string, work: (s: AbortSignal) => Promise<T>): Promise<T> => runStage(name, limits.serviceTimeoutMs, signal, work);
  if (request.order !== undefined) {
    const order = decoded(() => decodeSignedOrder(request.order!));
    const result = await call('submitOrder', (s) => service.submitOrder(order, s));
    return 'vote' in result ? { vote: plainBytes(encodeVote(result.vote)) } : { refusal: refusalToWire(result.refusal) };
  }
  if (request.certificate !== undefined) {
    const certificate = decoded(() => decodeCertificate(request.certificate!));
    const result = await call('submitCertificate', (s) => service.submitCertificate(certificate, s));
    return { applied: { status: result.status, nextSequence: BigInt(result.nextSequence) } };
  }
  if (request.account !== undefined) {
    const result = await call('account', (s) => service.account(request.account!.address, s));
    return {
      account: {
        address: result.address,
        balance: result.balance.toString(),
        spendable: result.spendable.toString(),
        nextSequence: BigInt(result.nextSequence),
        epoch: result.epoch,
        stakes: result.stakes.map((stake) => ({ node: stake.node, amount: stake.amount.toString() })),
      },
    };
  }
  if (request.certificates !== undefined) {
    const { sender, fromSequence, limit } = request.certificates;
    if (fromSequence > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolError('INVALID_REQUEST', 'from_sequence is too large');
    const pageLimit = limit === 0 ? limits.maxCertificatesPerPage : Math.min(limit, limits.maxCertificatesPerPage);
    const found = await call('certificates', (s) => service.certificates(sender, Number(fromSequence), pageLimit, s));
    const certificates = [];
    let bytes = 16;
    for (const certificate of found.slice(0, pageLimit)) {
      const encoded = encodeCertificate(certificate);
      if (bytes + encoded.length + 8 > limits.maxMessageBytes) break;
      certificates.push(plainBytes(encoded));
      bytes += encoded.length + 8;
    }
    return { certificates: { certificates } };
  }
  if (request.closeReport !== undefined) {
    const report = await call('closeReport', (s) => service.closeReport(request.closeReport!.epoch, s));
    const encoded = encodeCloseReport(report);
    if (encoded.length + FRAME_OVERHEAD_BYTES > limits.maxMessageBytes) throw new ProtocolError('TOO_LARGE', `close report of ${encoded.length} bytes is over the answer limit`);
    return { closeReport: plainBytes(encoded) };
  }
  if (request.rewards !== undefined) {
    const result = await call('rewards', (s) => service.rewards(request.rewards!.epoch, s));
    const payouts = result.payouts.slice(0, limits.maxRewardEntries).map((entry) => ({ address: entry.address, amount: entry.amount.toString() }));
    return { rewards: { epoch: result.epoch, paid: result.paid, fees: result.fees.toString(), payouts, currentEpoch: result.currentEpoch, certified: result.certified } };
  }
  if (request.stakeSummary === true) {
    const result = await call('stakeSummary', (s) => service.stakeSummary(s));
    const stakes = result.stakes.slice(0, limits.maxRewardEntries).map((entry) => ({ node: entry.node, amount: entry.amount.toString() }));
    return { stakeSummary: { epoch: result.epoch, total: result.total.toString(), stakes } };
  }
  throw new ProtocolError('INVALID_REQUEST', 'empty request');
}

function decoded<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof LedgerError) throw new ProtocolError('INVALID_REQUEST', error.message, { cause: error });
    throw error;
  }
}

export function refusalToWire(refusal: VoteRefusal): Refusal {
  const empty = new Uint8Array(0);
  return { reason: refusal.reason, nextSequence: 0n, detail: '', certificate: empty, lockedOrder: empty, available: '', needed: '', ...refusalFields(refusal) };
}

function refusalFields(refusal: VoteRefusal): Partial<Refusal> {
  switch (refusal.reason) {
    case 'behind':
      return { reason: refusal.reason, nextSequence: BigInt(refusal.nextSequence) };
    case 'used':
      return { reason: refusal.reason, certificate: plainBytes(encodeCertificate(refusal.certificate)) };
    case 'locked':
      return { reason: refusal.reason, lockedOrder: plainBytes(encodeSignedOrder(refusal.lockedOrder)) };
    case 'insufficient-funds':
      return { reason: refusal.reason, available: refusal.available.toString(), needed: refusal.needed.toString() };
    case 'bad-epoch':
    case 'not-voting':
      return { reason: refusal.reason, detail: refusal.detail };
    case 'conflicted':
      return { reason: refusal.reason };
  }
}
