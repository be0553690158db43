/**
 * Input copies streamed into their first reader. An input is copied into the WebAssembly memory once
 * per call, and that copy cost as much as W1's whole fused pass: written, evicted, then read back by
 * the kernel. When the first step that reads an input takes it item by item (work item w reads
 * exactly elements `[w·perItem, (w+1)·perItem)`), `write` only keeps the caller's array and the step
 * copies each chunk of it just before it computes that chunk, so the kernel reads the copy from cache.
 * With threads, the calling thread copies chunks ahead of the workers (pool.ts's `stage`), which
 * cannot read the caller's memory themselves.
 *
 * Which steps stream which inputs is decided from the program alone; copying never changes a result.
 */
import { isIdentityView } from '../views.js';
import type { BufferId, Program, View } from '../program.js';

/** Work item w of a step reads exactly elements `[w·perItem, (w+1)·perItem)` of `buffer`. */
export interface Stream {
  readonly buffer: BufferId;
  readonly perItem: number;
}

/**
 * Bytes of streamed inputs copied per chunk: the chunk is then read from L2 (1.25 MiB a core on the
 * benchmark machine; 256 KiB leaves room for the outputs and the other thread's share).
 */
export const STAGE_BYTES = 256 << 10;

/**
 * The same where workers compute chunks the calling thread copied: larger, because a worker that
 * catches up with the copies sleeps until the next chunk (a wake-up costs 10–25 µs). A 16M sum on 2
 * threads (copy-bound: the worker always waits) took 1.29× the CPU time of copying everything first
 * with 256 KiB chunks, 0.91× with 1 MiB (medians of 25 interleaved runs, load 10 on 2 cores).
 */
export const SHARED_STAGE_BYTES = 1 << 20;

/**
 * The inputs of a step that reads `views` and walks those in `itemwise` item by item: each input
 * whose every view in the step is itemwise and reads the whole buffer in order (an identity view).
 * i64 inputs are converted while they are copied, so they are never streamed.
 *
 * @example
 * // exp(x) + y over [1000], x and y inputs read contiguously:
 * streamsOver(program, kernel.operands, kernel.operands, 1) // [{ buffer: x, perItem: 1 }, { buffer: y, perItem: 1 }]
 */
export function streamsOver(
  program: Program,
  views: readonly View[],
  itemwise: readonly View[],
  perItem: number,
): Stream[] {
  const buffers = [...new Set(itemwise.map((v) => v.buffer))];
  return buffers
    .filter((b) => {
      const decl = program.buffers[b];
      if (decl.role !== 'input' || decl.dtype === 'i64') return false;
      return views
        .filter((v) => v.buffer === b)
        .every((v) => itemwise.includes(v) && v.dtype === decl.dtype && isIdentityView(v, decl.size));
    })
    .map((buffer) => ({ buffer, perItem }));
}

/**
 * Per step, the streams it copies: those of the first step of the first kernel that reads the input
 * (every later reader then finds the copy complete).
 */
export function stagedStreams(
  program: Program,
  steps: readonly { kernel: number; streams: readonly Stream[] }[],
) {
  const firstReader = new Map<BufferId, number>();
  program.kernels.forEach((k, i) => {
    for (const v of k.operands) if (!firstReader.has(v.buffer)) firstReader.set(v.buffer, i);
  });
  return steps.map((step, s) =>
    s > 0 && steps[s - 1].kernel === step.kernel
      ? []
      : step.streams.filter((st) => firstReader.get(st.buffer) === step.kernel),
  );
}

/** The typed arrays the executor stores its buffers in (i64 is held as float64). */
export type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A pending copy of one streamed input: `source` goes to `target`, `perItem` elements a work item. */
export interface StagedCopy {
  readonly target: NumericArray;
  readonly source: NumericArray;
  readonly perItem: number;
}

/** Copies work items `[start, end)` of every pending input. */
export function stageItems(copies: readonly StagedCopy[], start: number, end: number): void {
  for (const c of copies) {
    const from = start * c.perItem;
    c.target.set(c.source.subarray(from, Math.min(c.target.length, end * c.perItem)), from);
  }
}

/**
 * Work items a chunk takes so that its copies fill about `bytes`.
 *
 * @example stageChunk([x, y, z].map((f32) => ({ target, source, perItem: 1 })), STAGE_BYTES) // 21845
 */
export function stageChunk(copies: readonly StagedCopy[], bytes: number): number {
  const perItem = copies.reduce((a, c) => a + c.perItem * c.target.BYTES_PER_ELEMENT, 0);
  return Math.max(1, Math.floor(bytes / perItem));
}
