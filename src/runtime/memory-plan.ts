/**
 * The memory plan (Theano's inplace and storage reuse): buffers are placed in slots over the kernel
 * order. A temp's slot is free again after its last reader; a later buffer takes the smallest free
 * slot that fits (or grows the largest free one). An elementwise kernel writes in place of an operand
 * that dies there when it reads that operand element by element and the element sizes match. Inputs,
 * parameters and constants own their slots; outputs and update values are never freed.
 */
import { byteSize } from '../graph/dtype.js';
import type { BufferId, Kernel, MemoryPlan, Program } from './program.js';
import { isIdentityView } from './views.js';

/** A program before its memory plan. */
export type ProgramDraft = Omit<Program, 'memory'>;

/** Slots are 16-byte aligned, so any typed array (and a SIMD load) can sit at their start. */
export const SLOT_ALIGN = 16;

/** When each buffer is written and last read, as kernel indices. */
export interface Liveness {
  /** The kernel that writes the buffer; -1 for inputs, parameters and constants. */
  readonly def: readonly number[];
  /** The last kernel that reads it; `kernels.length` for buffers read after the run. */
  readonly lastUse: readonly number[];
}

/** Options of {@link planMemory}. */
export interface MemoryPlanOptions {
  /** False gives every buffer its own slot (the naive plan), for comparisons. Default true. */
  readonly reuse?: boolean;
}

/** Bytes rounded up to the slot alignment. */
export const alignSlot = (bytes: number) => Math.ceil(bytes / SLOT_ALIGN) * SLOT_ALIGN;

/** Bytes a buffer takes in its slot. */
export function bufferBytes(program: ProgramDraft, id: BufferId): number {
  const b = program.buffers[id];
  return alignSlot(b.size * byteSize(b.dtype));
}

/**
 * Liveness of every buffer over the kernel order.
 *
 * @example liveness(program).lastUse[program.outputs[0]] === program.kernels.length // true
 */
export function liveness(program: ProgramDraft): Liveness {
  const end = program.kernels.length;
  const def = program.buffers.map((b) => (b.role === 'temp' || b.role === 'output' ? end : -1));
  const lastUse = program.buffers.map((b) => (b.role === 'temp' ? -1 : end));
  program.kernels.forEach((k, i) => {
    def[k.output] = Math.min(def[k.output], i);
    for (const v of k.operands)
      if (lastUse[v.buffer] < end) lastUse[v.buffer] = Math.max(lastUse[v.buffer], i);
  });
  for (const u of program.updates) lastUse[u.value] = end;
  // A temp nobody reads dies where it is written.
  program.buffers.forEach((b, id) => {
    if (lastUse[id] < def[id]) lastUse[id] = def[id];
  });
  return { def, lastUse };
}

/**
 * Places every buffer in a slot and marks in-place kernels.
 *
 * @example planMemory(draft).memory.peakBytes <= planMemory(draft).memory.naiveBytes // true
 */
export function planMemory(draft: ProgramDraft, options: MemoryPlanOptions = {}): Program {
  const reuse = options.reuse ?? true;
  const { lastUse } = liveness(draft);
  const slotBytes: number[] = [];
  const slotOf = new Array<number>(draft.buffers.length).fill(-1);
  const free: number[] = [];
  const newSlot = (bytes: number) => slotBytes.push(bytes) - 1;

  for (const b of draft.buffers)
    if (b.role === 'input' || b.role === 'param' || b.role === 'constant')
      slotOf[b.id] = newSlot(bufferBytes(draft, b.id));

  const kernels: Kernel[] = draft.kernels.map((kernel, i) => {
    const out = kernel.output;
    const bytes = bufferBytes(draft, out);
    // A kernel written in place by an earlier plan of the same program starts afresh.
    let result: Kernel = kernel.inPlaceOf === undefined ? kernel : { ...kernel, inPlaceOf: undefined };
    const inPlace = reuse ? inPlaceOperand(draft, kernel, i, lastUse) : -1;
    if (slotOf[out] >= 0) {
      // Written twice (never by the lowering): keep the first placement.
    } else if (inPlace >= 0) {
      const slot = slotOf[kernel.operands[inPlace].buffer];
      slotOf[out] = slot;
      slotBytes[slot] = Math.max(slotBytes[slot], bytes);
      result = { ...kernel, inPlaceOf: inPlace };
    } else if (reuse && free.length) {
      slotOf[out] = takeSlot(free, slotBytes, bytes);
    } else slotOf[out] = newSlot(bytes);
    if (reuse) {
      const released = new Set<number>();
      for (const v of kernel.operands)
        if (lastUse[v.buffer] === i && draft.buffers[v.buffer].role === 'temp') released.add(v.buffer);
      if (lastUse[out] === i && draft.buffers[out].role === 'temp') released.add(out);
      for (const id of released) {
        const slot = slotOf[id];
        if (slot !== slotOf[out] || id === out) free.push(slot);
      }
    }
    return result;
  });
  // Buffers no kernel writes (an update's value that is an input) already have slots; any other gets one.
  draft.buffers.forEach((b) => {
    if (slotOf[b.id] < 0) slotOf[b.id] = newSlot(bufferBytes(draft, b.id));
  });
  const memory: MemoryPlan = {
    slotBytes,
    slotOf,
    peakBytes: slotBytes.reduce((a, b) => a + b, 0),
    naiveBytes: draft.buffers.reduce((s, b) => s + bufferBytes(draft, b.id), 0),
  };
  return { ...draft, kernels, memory };
}

/** The smallest free slot that fits, else the largest grown to fit; removed from `free`. */
function takeSlot(free: number[], slotBytes: number[], bytes: number): number {
  let best = -1;
  for (let j = 0; j < free.length; j++) {
    const s = slotBytes[free[j]];
    if (s >= bytes && (best < 0 || s < slotBytes[free[best]])) best = j;
  }
  if (best < 0) {
    best = 0;
    for (let j = 1; j < free.length; j++) if (slotBytes[free[j]] > slotBytes[free[best]]) best = j;
    slotBytes[free[best]] = bytes;
  }
  return free.splice(best, 1)[0];
}

/**
 * The operand an elementwise kernel may overwrite: a temp that dies here, read element by element
 * (view i is buffer element i) and through no other view, with elements of the output's size.
 */
function inPlaceOperand(
  program: ProgramDraft,
  kernel: Kernel,
  index: number,
  lastUse: readonly number[],
): number {
  if (kernel.kind !== 'elementwise' && kernel.kind !== 'copy') return -1;
  const out = program.buffers[kernel.output];
  return kernel.operands.findIndex((v, j) => {
    const b = program.buffers[v.buffer];
    return (
      b.role === 'temp' &&
      lastUse[b.id] === index &&
      b.size === out.size &&
      byteSize(b.dtype) === byteSize(out.dtype) &&
      isIdentityView(v, b.size) &&
      kernel.operands.every((w, k) => k === j || w.buffer !== v.buffer)
    );
  });
}
