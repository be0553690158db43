/**
 * Everything Node-specific the cpu executor uses, in one module loaded on demand: worker threads
 * (unref'd, so an idle pool never keeps the process alive), the core count, and V8's relaxed-SIMD
 * flag. Browsers would supply the same `Platform` with Web Workers under cross-origin isolation.
 */
import { availableParallelism } from 'node:os';
import v8 from 'node:v8';
import { MessageChannel, Worker } from 'node:worker_threads';
import { setRelaxedSimdEnabler } from './features.js';
import { scalarImportSource } from './math/scalar-imports.js';
import { type LoadMessage, type Platform, type WorkerHandle, workerLoopSource } from './pool.js';

setRelaxedSimdEnabler(() => v8.setFlagsFromString('--experimental-wasm-relaxed-simd'));

const SOURCE = `${workerLoopSource(scalarImportSource())}
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
serve(new Int32Array(workerData.control), workerData.index, () => receiveMessageOnPort(workerData.port).message);
`;

export const nodePlatform: Platform = {
  cores: availableParallelism(),
  startWorker(control: SharedArrayBuffer, index: number): WorkerHandle {
    const { port1, port2 } = new MessageChannel();
    // V8 flags are per process: relaxed SIMD, once enabled here, holds in the worker too.
    const worker = new Worker(SOURCE, {
      eval: true,
      workerData: { control, index, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    return {
      post: (message: LoadMessage) => port1.postMessage(message),
      terminate: () => void worker.terminate(),
    };
  },
};
