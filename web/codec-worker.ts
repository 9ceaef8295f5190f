// The page's codec thread (a Web Worker): RedStuff encoding, decoding and sliver hashes run here so
// the page stays responsive while a large file is encoded. Requests and answers are plain data
// (structured clone); the big buffers are transferred, not copied.
import { hashRepairRows, encodeColumns, encodeSystematicRows } from '../src/encoding/encoding-job.js';
import { encodingParameters } from '../src/encoding/parameters.js';
import { decodeBlob, decodeBlobFromSecondary, prepareEncoding, sliverHash } from '../src/encoding/redstuff.js';
import type { CodecReply, CodecRequest } from './codec-messages.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<CodecRequest>) => void) | null;
  postMessage(message: CodecReply, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

function handle(request: CodecRequest): { reply: CodecReply; transfer: Transferable[] } {
  switch (request.op) {
    case 'encode': {
      const prepared = prepareEncoding(request.blob, request.nShards, true, false);
      const { shape, buffers } = prepared;
      encodeSystematicRows(shape, buffers, 0, shape.primarySourceSymbols);
      encodeColumns(shape, buffers, 0, shape.nShards);
      hashRepairRows(shape, buffers, shape.primarySourceSymbols, shape.nShards);
      const transfer = Object.values(buffers)
        .filter((buffer): buffer is Uint8Array => buffer instanceof Uint8Array)
        .map((buffer) => buffer.buffer as ArrayBuffer);
      return { reply: { id: request.id, ok: true, value: { unencodedLength: prepared.unencodedLength, shape, buffers } }, transfer };
    }
    case 'decode': {
      const decode = request.kind === 'primary' ? decodeBlob : decodeBlobFromSecondary;
      const blob = decode(request.blobId, request.metadata, request.slivers, { verify: request.verify });
      return { reply: { id: request.id, ok: true, value: blob }, transfer: [blob.buffer as ArrayBuffer] };
    }
    case 'sliverHash': {
      const hash = sliverHash(encodingParameters(request.nShards), request.kind, request.sliver);
      return { reply: { id: request.id, ok: true, value: hash }, transfer: [] };
    }
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  try {
    const { reply, transfer } = handle(request);
    scope.postMessage(reply, transfer);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    scope.postMessage({ id: request.id, ok: false, error: { name, message } });
  }
};
