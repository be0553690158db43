/**
 * The worker pool's protocol, independent of the platform: one shared Int32Array of control words,
 * 16 per worker, then one claim counter. The calling thread writes a job and bumps the worker's
 * sequence word (notify); the worker runs it and echoes the sequence into its done word (notify). No
 * message passing on the hot path: a round trip is two Atomics notifications. Programs are loaded
 * once per worker (a message with the compiled module and the shared memory), then jobs name a
 * program and a function by index.
 *
 * A step's range is cut into fixed chunks that every thread, the calling one included, claims from
 * the shared counter until none are left, and the calling thread returns once every chunk has
 * finished: on a loaded machine a descheduled worker does less and the others more, and nobody waits
 * for a worker that has not woken up yet. Which thread computes a chunk never changes its bits (the
 * generators guarantee it).
 *
 * A job may also stage its inputs: the calling thread copies each chunk's inputs in (workers cannot
 * read the caller's arrays) and counts them in a ready word, and a worker that claims a chunk not yet
 * ready waits on that word (staging.ts says why).
 *
 * The claim and finished counters carry the job's generation in their high 16 bits, so a worker that
 * wakes late for a job already done claims nothing of the next one. A worker's own words are written
 * only while it is idle (its done word echoes its sequence): a busy one is left out of the next job.
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
  Gen = 6,
  Done = 7,
  Failed = 8,
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

/**
 * Words after the workers' blocks: the chunk claim counter, the finished-chunk counter, and the
 * count of chunks whose inputs are in memory (all of them from the start, unless the calling thread
 * stages them).
 */
const CLAIM = 0;
const FINISHED = 1;
const READY = 2;
/** Chunks of one job are counted in the low 16 bits; the generation takes the rest. */
const COUNT_BITS = 16;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
export const MAX_CHUNKS = COUNT_MASK;

export class WorkerPool {
  private readonly control: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  private generation = 0;

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
      this.wait(w);
      this.workers[w].post(message);
      this.command(w, Command.Load, message.id);
    }
    for (let w = 0; w < workers; w++) this.wait(w);
  }

  unload(id: number, workers: number): void {
    for (let w = 0; w < workers; w++) {
      this.wait(w);
      this.command(w, Command.Unload, id);
    }
    for (let w = 0; w < workers; w++) this.wait(w);
  }

  /**
   * Runs `job` on up to `workers` idle workers and here, each claiming chunks (`own(start, end)`
   * runs one here); returns when every chunk has finished. With `stage`, a chunk's inputs
   * are not in memory yet: this thread calls `stage(start, end)` for each chunk in order (workers
   * wait for theirs), keeping as many staged chunks unclaimed as there are workers, and computes
   * chunks itself whenever it is further ahead than that.
   */
  run(
    program: number,
    job: Job,
    workers: number,
    own: (start: number, end: number) => void,
    stage?: (start: number, end: number) => void,
  ): void {
    const chunks = Math.ceil(job.total / job.chunk);
    if (chunks > MAX_CHUNKS) throw new Error(`cpu executor: ${chunks} chunks, above ${MAX_CHUNKS}`);
    this.generation = (this.generation + 1) & 0x7fff;
    const tag = this.generation << COUNT_BITS;
    const shared = this.capacity * WORDS;
    Atomics.store(this.words, shared + READY, tag | (stage ? 0 : chunks));
    Atomics.store(this.words, shared + FINISHED, tag);
    Atomics.store(this.words, shared + CLAIM, tag);
    const commanded: number[] = [];
    for (let w = 0; w < workers; w++) {
      const base = w * WORDS;
      if (Atomics.load(this.words, base + Word.Done) !== Atomics.load(this.words, base + Word.Seq)) continue;
      Atomics.store(this.words, base + Word.Fn, job.fn);
      Atomics.store(this.words, base + Word.Chunk, job.chunk);
      Atomics.store(this.words, base + Word.End, job.total);
      Atomics.store(this.words, base + Word.Gen, this.generation);
      this.command(w, Command.Run, program);
      commanded.push(w);
    }
    let error: unknown;
    /** Claims the next chunk if it is below `limit` and runs it here; false when there is none. */
    const claim = (limit = chunks): boolean => {
      for (;;) {
        const cur = Atomics.load(this.words, shared + CLAIM);
        if ((cur & COUNT_MASK) >= limit) return false;
        if (Atomics.compareExchange(this.words, shared + CLAIM, cur, cur + 1) !== cur) continue;
        const start = (cur & COUNT_MASK) * job.chunk;
        try {
          if (!error) own(start, Math.min(job.total, start + job.chunk));
        } catch (e) {
          error = e;
        }
        Atomics.add(this.words, shared + FINISHED, 1);
        return true;
      }
    };
    for (let staged = 0; stage && staged < chunks;) {
      const start = staged * job.chunk;
      try {
        if (!error) stage(start, Math.min(job.total, start + job.chunk));
      } catch (e) {
        error = e;
      }
      staged++;
      Atomics.store(this.words, shared + READY, tag | staged);
      Atomics.notify(this.words, shared + READY);
      // Only a staged chunk: workers may have claimed up to it since the count was read.
      if (staged - (Atomics.load(this.words, shared + CLAIM) & COUNT_MASK) > commanded.length) claim(staged);
    }
    while (claim());
    for (;;) {
      const finished = Atomics.load(this.words, shared + FINISHED);
      if ((finished & COUNT_MASK) >= chunks) break;
      Atomics.wait(this.words, shared + FINISHED, finished);
    }
    if (error) throw error;
    for (const w of commanded)
      if (Atomics.exchange(this.words, w * WORDS + Word.Failed, 0) !== 0)
        throw new Error(`cpu executor: worker ${w} failed (see its stderr)`);
  }

  /** Stops every worker. */
  close(): void {
    this.workers.forEach((_, w) => {
      this.waitIdle(w);
      this.command(w, Command.Exit, 0);
    });
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

  /** Waits until worker `w` has finished its last command; throws if it failed. */
  private wait(w: number): void {
    this.waitIdle(w);
    if (Atomics.exchange(this.words, w * WORDS + Word.Failed, 0) !== 0)
      throw new Error(`cpu executor: worker ${w} failed (see its stderr)`);
  }

  private waitIdle(w: number): void {
    const base = w * WORDS;
    const seq = Atomics.load(this.words, base + Word.Seq);
    for (;;) {
      const done = Atomics.load(this.words, base + Word.Done);
      if (done === seq) break;
      Atomics.wait(this.words, base + Word.Done, done);
    }
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
  const claim = words.length - ${WORDS} + ${CLAIM};
  const finished = words.length - ${WORDS} + ${FINISHED};
  const ready = words.length - ${WORDS} + ${READY};
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
        const fn = programs.get(Atomics.load(words, base + ${Word.Program}))[Atomics.load(words, base + ${Word.Fn})];
        const chunk = Atomics.load(words, base + ${Word.Chunk});
        const total = Atomics.load(words, base + ${Word.End});
        const tag = Atomics.load(words, base + ${Word.Gen}) << ${COUNT_BITS};
        const chunks = Math.ceil(total / chunk);
        for (;;) {
          const cur = Atomics.load(words, claim);
          if ((cur & ~${COUNT_MASK}) !== tag || (cur & ${COUNT_MASK}) >= chunks) break;
          if (Atomics.compareExchange(words, claim, cur, cur + 1) !== cur) continue;
          // The calling thread may still be copying this chunk's inputs in.
          for (;;) {
            const staged = Atomics.load(words, ready);
            if ((staged & ${COUNT_MASK}) > (cur & ${COUNT_MASK})) break;
            Atomics.wait(words, ready, staged);
          }
          const start = (cur & ${COUNT_MASK}) * chunk;
          try {
            fn(start, Math.min(total, start + chunk));
          } catch (e) {
            console.error('saturn cpu worker:', e);
            Atomics.store(words, base + ${Word.Failed}, 1);
          }
          if (((Atomics.add(words, finished, 1) + 1) & ${COUNT_MASK}) >= chunks) Atomics.notify(words, finished);
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
