/**
 * Float64 functions a kernel may call for what it does not compute inline: the `Math` functions for
 * f64 kernels and for the rare f32 lanes the vector code hands off (sin/cos/tan of |x| > 2048), `%`, and
 * the reference's own erf/erfc/log1mexp for the rare ops with no vector version yet. Workers can rebuild
 * every import except the last three from their names alone, so a kernel that uses those runs on the
 * calling thread only (`threadSafe: false`).
 */
import { erf, erfc, log1mexp } from '../../../graph/ops/scalar-math.js';

/** An import: its arity and its JavaScript source in a worker (absent: calling thread only). */
interface ScalarImport {
  readonly arity: 1 | 2;
  readonly fn: (...xs: number[]) => number;
  readonly workerSource?: string;
}

const math1 = (name: keyof Math): ScalarImport => ({
  arity: 1,
  fn: Math[name] as (x: number) => number,
  workerSource: `Math.${String(name)}`,
});

export const SCALAR_IMPORTS = {
  exp: math1('exp'),
  log: math1('log'),
  log1p: math1('log1p'),
  expm1: math1('expm1'),
  sin: math1('sin'),
  cos: math1('cos'),
  tan: math1('tan'),
  tanh: math1('tanh'),
  sinh: math1('sinh'),
  cosh: math1('cosh'),
  asinh: math1('asinh'),
  pow: { arity: 2, fn: Math.pow, workerSource: 'Math.pow' },
  fmod: { arity: 2, fn: (a: number, b: number) => a % b, workerSource: '(a, b) => a % b' },
  erf: { arity: 1, fn: erf },
  erfc: { arity: 1, fn: erfc },
  log1mexp: { arity: 1, fn: log1mexp },
} satisfies Record<string, ScalarImport>;

export type ScalarImportName = keyof typeof SCALAR_IMPORTS;

/** True when a worker can provide the import. */
export function importIsThreadSafe(name: ScalarImportName): boolean {
  return (SCALAR_IMPORTS[name] as ScalarImport).workerSource !== undefined;
}

/** The `math` import object for the calling thread: `{ exp: Math.exp, … }`. */
export function scalarImportObject(): Record<string, unknown> {
  return Object.fromEntries(SCALAR_IMPORT_NAMES.map((n) => [n, SCALAR_IMPORTS[n].fn]));
}

export const SCALAR_IMPORT_NAMES = Object.keys(SCALAR_IMPORTS) as ScalarImportName[];

/**
 * JavaScript source of the import object for a worker. Imports a worker cannot rebuild throw there:
 * the kernels that use them are never sent to workers.
 */
export function scalarImportSource(): string {
  const entries = SCALAR_IMPORT_NAMES.map((n) => {
    const src = (SCALAR_IMPORTS[n] as ScalarImport).workerSource;
    return `${JSON.stringify(n)}: ${src ?? `() => { throw new Error('cpu worker: ${n} runs on the calling thread only'); }`}`;
  });
  return `({ ${entries.join(', ')} })`;
}
