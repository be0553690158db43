/**
 * The worker pool's protocol, independent of the platform: one shared Int32Array of control words,
 * 16 per worker, then one claim counter. The calling thread writes a job and bumps the worker's
 * sequence word (notify); the worker runs it and echoes the sequence into its done word (notify). No
 * message passing on the hot path: a round trip is two Atomics notifications. Programs are loaded
 * once per worker (a message with the compiled module and the shared memory), then jobs name a
 * program and a function by index.
 *
 * A step's range is cut into fixed chunks that every thread, the calling one included, claims from
 * the shared counter until none are left: on a loaded machine a descheduled worker does less and
 * the others more, instead of everyone waiting for its fixed share. Which thread computes a chunk
 * never changes its bits (the generators guarantee it; per-thread scratch is indexed by thread).
 */
import type { WasmMemory, WasmModule } from './wasm/api.js';

export const WORDS = 16;
export const enum Word {
  Seq = 0,
  Command = 1,
  Program = 2,
  Fn = 3,
  Chunk = 4,
  End = 5,
  Thread = 6,
  Done = 8,
  Failed = 9,
}
export const enum Command {
  Run = 1,
  Load = 2,
  Exit = 3,
  Unload = 4,
}

export interface LoadMessage {
  readonly id: number;
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly names: readonly string[];
}

/** What a platform provides: workers that follow the protocol above. */
export interface WorkerHandle {
  /** Delivers a load message (the worker reads it when told `Command.Load`). */
  post(message: LoadMessage): void;
  terminate(): void;
}

export interface Platform {
  /** Cores to use by default. */
  readonly cores: number;
  /** Starts worker `index` on the control words; it must not keep the process alive. */
  startWorker(control: SharedArrayBuffer, index: number): WorkerHandle;
}

/** A step shared by the threads: function `fn` over `[0, total)`, claimed `chunk` items at a time. */
export interface Job {
  readonly fn: number;
  readonly total: number;
  readonly chunk: number;
}

export class WorkerPool {
  private readonly control: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly workers: WorkerHandle[] = [];

  constructor(
    private readonly platform: Platform,
    readonly capacity: number,
  ) {
    this.control = new SharedArrayBuffer((capacity + 1) * WORDS * 4);
    this.words = new Int32Array(this.control);
  }

  /** Workers started so far. */
  get size(): number {
    return this.workers.length;
  }

  /** Starts workers up to `count` (at most the capacity). */
  ensure(count: number): void {
    while (this.workers.length < Math.min(count, this.capacity))
      this.workers.push(this.platform.startWorker(this.control, this.workers.length));
  }

  load(message: LoadMessage, workers: number): void {
    for (let w = 0; w < workers; w++) {
      this.workers[w].post(message);
      this.command(w, Command.Load, message.id);
    }
    for (let w = 0; w < workers; w++) this.wait(w);
  }

  unload(id: number, workers: number): void {
    for (let w = 0; w < workers; w++) this.command(w, Command.Unload, id);
    for (let w = 0; w < workers; w++) this.wait(w);
  }

  /**
   * Runs `job` on `workers` workers and here, each claiming chunks (`own(start, end)` runs one here,
   * as thread 0); returns when all are done.
   */
  run(program: number, job: Job, workers: number, own: (start: number, end: number) => void): void {
    const claim = this.capacity * WORDS;
    Atomics.store(this.words, claim, 0);
    for (let w = 0; w < workers; w++) {
      const base = w * WORDS;
      this.words[base + Word.Fn] = job.fn;
      this.words[base + Word.Chunk] = job.chunk;
      this.words[base + Word.End] = job.total;
      this.words[base + Word.Thread] = w + 1;
      this.command(w, Command.Run, program);
    }
    let error: unknown;
    try {
      for (;;) {
        const start = Atomics.add(this.words, claim, 1) * job.chunk;
        if (start >= job.total) break;
        own(start, Math.min(job.total, start + job.chunk));
      }
    } catch (e) {
      error = e;
    }
    for (let w = 0; w < workers; w++) this.wait(w);
    if (error) throw error;
  }

  /** Stops every worker. */
  close(): void {
    this.workers.forEach((_, w) => this.command(w, Command.Exit, 0));
    this.workers.forEach((h) => h.terminate());
    this.workers.length = 0;
  }

  private command(w: number, command: Command, program: number): void {
    const base = w * WORDS;
    this.words[base + Word.Command] = command;
    this.words[base + Word.Program] = program;
    Atomics.add(this.words, base + Word.Seq, 1);
    Atomics.notify(this.words, base + Word.Seq);
  }

  private wait(w: number): void {
    const base = w * WORDS;
    const seq = Atomics.load(this.words, base + Word.Seq);
    for (;;) {
      const done = Atomics.load(this.words, base + Word.Done);
      if (done === seq) break;
      Atomics.wait(this.words, base + Word.Done, done);
    }
    if (Atomics.exchange(this.words, base + Word.Failed, 0) !== 0)
      throw new Error(`cpu executor: worker ${w} failed (see its stderr)`);
  }
}

/**
 * The worker's loop, as source (`WORKER_SOURCE(importsSource)`), so a worker needs no module file:
 * it blocks on its sequence word, runs the command, echoes the sequence. `receive()` is the platform's
 * synchronous read of the next load message.
 */
export function workerLoopSource(importsSource: string): string {
  return `
const imports = ${importsSource};
function serve(words, index, receive) {
  const base = index * ${WORDS};
  const claim = words.length - ${WORDS};
  const programs = new Map();
  let seen = 0;
  for (;;) {
    Atomics.wait(words, base + ${Word.Seq}, seen);
    seen = Atomics.load(words, base + ${Word.Seq});
    const command = words[base + ${Word.Command}];
    try {
      if (command === ${Command.Exit}) return;
      if (command === ${Command.Load}) {
        const m = receive();
        const instance = new WebAssembly.Instance(m.module, { env: { memory: m.memory }, math: imports });
        programs.set(m.id, m.names.map((n) => instance.exports[n]));
      } else if (command === ${Command.Unload}) {
        programs.delete(words[base + ${Word.Program}]);
      } else if (command === ${Command.Run}) {
        const fn = programs.get(words[base + ${Word.Program}])[words[base + ${Word.Fn}]];
        const chunk = words[base + ${Word.Chunk}];
        const total = words[base + ${Word.End}];
        const thread = words[base + ${Word.Thread}];
        for (;;) {
          const start = Atomics.add(words, claim, 1) * chunk;
          if (start >= total) break;
          fn(start, Math.min(total, start + chunk), thread);
        }
      }
    } catch (e) {
      console.error('saturn cpu worker:', e);
      Atomics.store(words, base + ${Word.Failed}, 1);
    }
    Atomics.store(words, base + ${Word.Done}, seen);
    Atomics.notify(words, base + ${Word.Done});
  }
}
`;
}
