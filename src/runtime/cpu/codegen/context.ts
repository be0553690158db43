/** What a kernel generator needs while it writes one function: the builder, math and imports. */
import { F32x4Math } from '../math/f32x4-math.js';
import type { ImportTable } from '../math/imports.js';
import type { FunctionBuilder } from '../wasm/function.js';

export class KernelContext {
  readonly math: F32x4Math;

  constructor(
    readonly fn: FunctionBuilder,
    readonly imports: ImportTable,
    readonly fma: boolean,
  ) {
    this.math = new F32x4Math(fn, fma, imports);
  }
}
