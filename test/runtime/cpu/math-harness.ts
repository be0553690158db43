// Builds a tiny module applying one f32x4 math function over memory, for the ulp tests.
import { F32x4Math } from '../../../src/runtime/cpu/math/f32x4-math.js';
import { ImportTable } from '../../../src/runtime/cpu/math/imports.js';
import { scalarImportObject } from '../../../src/runtime/cpu/math/scalar-imports.js';
import { wasm } from '../../../src/runtime/cpu/wasm/api.js';
import { type Expr, get, i32, load, op } from '../../../src/runtime/cpu/wasm/expr.js';
import { ModuleBuilder } from '../../../src/runtime/cpu/wasm/module.js';

export type VecFn =
  'exp' | 'log' | 'log1p' | 'expm1' | 'tanh' | 'sigmoid' | 'softplus' | 'sin' | 'cos' | 'tan';

const PAGES = 1024; // 64 MiB: input at 0, output at half.
const HALF = (PAGES * 65536) / 2;

/** Returns apply(xs) → float32 results of the vector function (length padded to 4 internally). */
export function vectorFunction(name: VecFn, fma: boolean): (xs: Float32Array) => Float32Array {
  const m = new ModuleBuilder({ pages: PAGES, shared: false });
  const imports = new ImportTable(m);
  m.addFunction('apply', ['i32'], [], (fn) => {
    const math = new F32x4Math(fn, fma, imports);
    const p = fn.local('i32');
    fn.block((exit) =>
      fn.loop((repeat) => {
        fn.brIf(exit, op('i32.ge_u', get(p), get(fn.params[0])));
        const y: Expr = math[name](load('v128.load', get(p)));
        fn.store('v128.store', get(p), y, HALF);
        fn.set(p, op('i32.add', get(p), i32(16)));
        fn.br(repeat);
      }),
    );
  });
  const memory = new wasm.Memory({ initial: PAGES, maximum: PAGES });
  const inst = new wasm.Instance(new wasm.Module(m.encode()), {
    env: { memory },
    math: scalarImportObject(),
  });
  const apply = inst.exports.apply as (bytes: number) => void;
  return (xs) => {
    const n = Math.ceil(xs.length / 4) * 4;
    if (n * 4 > HALF) throw new Error('too many inputs for the harness');
    new Float32Array(memory.buffer, 0, n).fill(0).set(xs);
    apply(n * 4);
    return new Float32Array(memory.buffer, HALF, xs.length).slice();
  };
}
