// Worker-thread entry: runs codec tasks sent by CodecPool. Buffers arrive as views of
// SharedArrayBuffers, so results are written in place and only a status message goes back.
import { parentPort } from 'node:worker_threads';
import { runClaimedChunks, runCodecTask, type CodecTaskResult, type CodecWorkerMessage } from './codec-tasks.js';

const port = parentPort;
if (port === null) throw new Error('codec-worker must run in a worker thread');

port.on('message', (message: CodecWorkerMessage) => {
  let result: CodecTaskResult;
  try {
    const { task, claim } = message;
    if (claim !== undefined && 'start' in task) runClaimedChunks(task, claim, true);
    else runCodecTask(task);
    result = { id: message.id, ok: true };
  } catch (error) {
    const { name, message: text } = error instanceof Error ? error : new Error(String(error));
    result = { id: message.id, ok: false, name, message: text };
  }
  port.postMessage(result);
});
