/**
 * The worker pool's protocol, independent of the platform: one shared Int32Array of control words,
 * 16 per worker. The calling thread writes a job and bumps the worker's sequence word (notify); the
 * worker runs it and echoes the sequence into its done word (notify). No message passing on the hot
 * path: a round trip is two Atomics notifications. Programs are loaded once per worker (a message
 * with the compiled module and the shared memory), then jobs name a program and a function by index.
 */
import type { WasmMemory, WasmModule } from './wasm/api.js';

export const WORDS = 16;
export const enum Word {
  Seq = 0,
  Command = 1,
  Program = 2,
  Fn = 3,
  Start = 4,
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

/** A job for one thread: function `fn` of program `program` over `[start, end)`. */
export interface Job {
  readonly fn: number;
  readonly start: number;
  readonly end: number;
  readonly thread: number;
}

export class WorkerPool {
  private readonly control: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly workers: WorkerHandle[] = [];

  constructor(
    private readonly platform: Platform,
    readonly capacity: number,
  ) {
    this.control = new SharedArrayBuffer(capacity * WORDS * 4);
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

  /** Runs `jobs[w]` on worker w while `own()` runs here; returns when all are done. */
  run(program: number, jobs: readonly Job[], own: () => void): void {
    jobs.forEach((job, w) => {
      const base = w * WORDS;
      this.words[base + Word.Fn] = job.fn;
      this.words[base + Word.Start] = job.start;
      this.words[base + Word.End] = job.end;
      this.words[base + Word.Thread] = job.thread;
      this.command(w, Command.Run, program);
    });
    let error: unknown;
    try {
      own();
    } catch (e) {
      error = e;
    }
    jobs.forEach((_, w) => this.wait(w));
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
        const fns = programs.get(words[base + ${Word.Program}]);
        fns[words[base + ${Word.Fn}]](words[base + ${Word.Start}], words[base + ${Word.End}], words[base + ${Word.Thread}]);
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
