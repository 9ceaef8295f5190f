// Request/answer calls over one long-lived stream, one at a time (the read and sync clients).
// Each call waits for the ones before it. A node's Error answer (an AnswerError thrown by the
// call) fails only that call: the stream is still in step. Any other failure (timeout, abort,
// oversize or malformed frame, stream closed) leaves the stream out of step, so the stream is
// aborted and every later call fails with UNAVAILABLE: open a new stream and a new client then.
import type { Stream } from '@libp2p/interface';
import { fromWireError, isProtocolError, ProtocolError } from './errors.js';
import { abortReason } from './stage.js';
import { abortStream, isStreamOpen } from './streams.js';

/** A complete Error answer (or a complete but undecodable one): the stream stays in step. */
export class AnswerError extends Error {
  override readonly name = 'AnswerError';

  constructor(readonly error: ProtocolError) {
    super(error.message);
  }
}

/** The AnswerError for an Error frame received from the node. */
export function answerError(wire: { code: string; message: string }): AnswerError {
  return new AnswerError(fromWireError(wire));
}

export class CallQueue {
  private turn: Promise<unknown> = Promise.resolve();
  private broken: ProtocolError | undefined;

  /** `name` says which client in errors ("read stream is unusable: …"). */
  constructor(
    private readonly stream: Stream,
    private readonly name: string,
  ) {}

  /** Runs `work` after the calls before it; see the top of this file for what a failure does. */
  run<T>(signal: AbortSignal | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.broken !== undefined) throw new ProtocolError('UNAVAILABLE', `${this.name} stream is unusable: ${this.broken.message}`);
      if (signal?.aborted === true) throw abortReason(signal);
      if (!isStreamOpen(this.stream)) {
        this.broken = new ProtocolError('UNAVAILABLE', 'stream is closed');
        throw this.broken;
      }
      try {
        return await work(signal);
      } catch (error) {
        if (!(error instanceof AnswerError)) {
          this.broken = isProtocolError(error) ? error : new ProtocolError('UNAVAILABLE', 'request was aborted', { cause: error });
          abortStream(this.stream, error);
          throw error;
        }
        throw error.error;
      }
    };
    const result = this.turn.then(run, run);
    this.turn = result.catch(() => undefined);
    return result;
  }

  /** Waits for the calls already made; every later call fails with UNAVAILABLE. */
  async close(): Promise<void> {
    await this.turn.catch(() => undefined);
    this.broken ??= new ProtocolError('UNAVAILABLE', `${this.name} client is closed`);
  }
}
