/**
 * Where everything lives in the one WebAssembly memory: the memory plan's slots at fixed byte
 * offsets, then each kernel's scratch (reduction partials, packed matmul panels). Addresses are baked
 * into the generated code, so the layout is fixed before any kernel is written.
 */
import type { BufferId, Program } from '../program.js';

const ALIGN = 64;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export class MemoryLayout {
  private readonly slotAddress: number[] = [];
  private top: number;

  constructor(private readonly program: Program) {
    // Address 0 stays unused so a zero pointer never aliases a buffer.
    let at = ALIGN;
    for (const bytes of program.memory.slotBytes) {
      this.slotAddress.push(at);
      at = align(at + Math.max(bytes, 16));
    }
    this.top = at;
  }

  /** Byte address of a buffer's first element. */
  address(buffer: BufferId): number {
    return this.slotAddress[this.program.memory.slotOf[buffer]];
  }

  /** Reserves `bytes` of scratch; returns its address. */
  reserve(bytes: number): number {
    const at = this.top;
    this.top = align(at + bytes);
    return at;
  }

  /** 64 KiB pages covering everything (at least one; 16 bytes of slack for vector over-reads). */
  get pages(): number {
    return Math.max(1, Math.ceil((this.top + 16) / 65536));
  }
}
