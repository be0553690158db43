import { describe, expect, it } from 'vitest';
import { wasmFeatures } from '../../../src/runtime/cpu/features.js';
import {
  call,
  f32,
  f32x4,
  get,
  i32,
  lane,
  load,
  op,
  WasmTypeError,
} from '../../../src/runtime/cpu/wasm/expr.js';
import { ModuleBuilder } from '../../../src/runtime/cpu/wasm/module.js';
import { sleb, uleb } from '../../../src/runtime/cpu/wasm/encoding.js';

function instantiate(m: ModuleBuilder, memory: WebAssembly.Memory): Record<string, CallableFunction> {
  const mod = new WebAssembly.Module(m.encode());
  return new WebAssembly.Instance(mod, { env: { memory }, math: { sin: Math.sin } }).exports as Record<
    string,
    CallableFunction
  >;
}

describe('wasm emitter', () => {
  it('encodes LEB128 as the spec does', () => {
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
  });

  it('builds a SIMD loop that runs, with imports and a shared memory', () => {
    expect(wasmFeatures().simd).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const m = new ModuleBuilder({ pages: 1, shared: true });
    const sin = m.importFunction('math', 'sin', ['f64'], ['f64']);
    // out[i] = 2 * x[i] + 1 over n elements (multiple of 4), x at 0, out at 1024.
    m.addFunction('axpb', ['i32'], [], (fn) => {
      const [n] = fn.params;
      const p = fn.local('i32');
      fn.block((exit) =>
        fn.loop((repeat) => {
          fn.brIf(exit, op('i32.ge_s', get(p), op('i32.mul', get(n), i32(4))));
          const v = op('f32x4.add', op('f32x4.mul', load('v128.load', get(p)), f32x4(2)), f32x4(1));
          fn.store('v128.store', get(p), v, 1024);
          fn.set(p, op('i32.add', get(p), i32(16)));
          fn.br(repeat);
        }),
      );
    });
    m.addFunction('sinOf', ['f64'], ['f64'], (fn) => {
      fn.return(call(sin, 'f64', 'sin', get(fn.params[0])));
    });
    m.addFunction('lane2', [], ['f32'], (fn) =>
      fn.return(lane('f32x4.extract_lane', 2, op('f32x4.mul', f32x4(3), op('f32x4.splat', f32(0.5))))),
    );
    const ex = instantiate(m, memory);
    const x = new Float32Array(memory.buffer, 0, 8);
    x.set([1, 2, 3, 4, 5, 6, 7, -8]);
    ex.axpb(8);
    expect([...new Float32Array(memory.buffer, 1024, 8)]).toEqual([3, 5, 7, 9, 11, 13, 15, -15]);
    expect(ex.sinOf(1)).toBe(Math.sin(1));
    expect(ex.lane2()).toBe(1.5);
    expect(m.text()).toContain('(f32x4.mul (v128.load offset=0 (local.get 1)) (v128.const f32x4 2 2 2 2))');
  });

  it('refuses a wrongly typed tree when it is built', () => {
    expect(() => op('f32x4.add', f32(1), f32x4(1))).toThrow(WasmTypeError);
    expect(() => op('f32x4.add', f32(1), f32x4(1))).toThrow('f32x4.add: operand is f32, expected v128');
  });
});
