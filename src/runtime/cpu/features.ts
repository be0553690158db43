/**
 * What this WebAssembly engine supports, detected once by validating tiny modules: 128-bit SIMD
 * (required by the cpu executor) and relaxed SIMD's fused multiply-add. Node 20 ships relaxed SIMD
 * behind `--experimental-wasm-relaxed-simd`; V8 accepts that flag at run time if it is set before the
 * first module using it is compiled, so detection tries it once where `v8` can be loaded (Node), and
 * otherwise falls back to plain SIMD. No flag is ever required.
 */
import { ModuleBuilder } from './wasm/module.js';
import { f32x4, op } from './wasm/expr.js';
import { envVar } from './env.js';
import { wasm } from './wasm/api.js';

export interface WasmFeatures {
  readonly simd: boolean;
  /** `f32x4.relaxed_madd` validates (a true FMA on x86 with FMA3 and on ARM). */
  readonly relaxedMadd: boolean;
}

function probe(body: 'simd' | 'madd'): boolean {
  const m = new ModuleBuilder({ pages: 1, shared: false });
  m.addFunction('probe', [], ['v128'], (fn) =>
    fn.return(
      body === 'simd'
        ? op('f32x4.add', f32x4(1), f32x4(2))
        : op('f32x4.relaxed_madd', f32x4(1), f32x4(2), f32x4(3)),
    ),
  );
  try {
    return wasm.validate(m.encode());
  } catch {
    return false;
  }
}

let detected: WasmFeatures | undefined;
let flagHook: (() => void) | undefined;

/**
 * Registers a hook that tries to enable relaxed SIMD before detection (the Node platform module sets
 * V8's flag). Called by `platform-node.ts`; browsers have no such hook.
 */
export function setRelaxedSimdEnabler(hook: () => void): void {
  flagHook = hook;
  // A detection made before the hook existed may have missed relaxed SIMD: detect again.
  if (detected && !detected.relaxedMadd) detected = undefined;
}

/** The features of this engine, detected on first call. @example `wasmFeatures().simd` */
export function wasmFeatures(): WasmFeatures {
  if (detected) return detected;
  const simd = probe('simd');
  // SATURN_WASM_FMA=0 forces the plain-SIMD kernels (to measure or test them where FMA exists).
  const allowed = envVar('SATURN_WASM_FMA') !== '0';
  let relaxedMadd = allowed && simd && probe('madd');
  if (allowed && simd && !relaxedMadd && flagHook) {
    flagHook();
    relaxedMadd = probe('madd');
  }
  detected = { simd, relaxedMadd };
  return detected;
}
