/**
 * Vectorized float32 math on f32x4 lanes: range reduction plus a short polynomial per function, with
 * the edges (±0, subnormals, ±Inf, NaN, overflow thresholds) handled by lane selects rather than
 * branches. Coefficients are the classic Cephes single-precision minimax sets (public constants).
 * Accuracy is measured, not assumed: `test/runtime/cpu/f32x4-math.test.ts` checks each function
 * against float64 over a dense sweep of float32 bit patterns and states the bound it found.
 *
 * Generator parameters (XNNPACK-style names in the debug text): `exp-rr2-p6` (two-constant
 * Cody–Waite reduction, degree-6 polynomial, two-step 2^n scaling so subnormal results round once),
 * `log-p9`, `sincos-rr3-p3` (three-constant reduction by π/2, valid to |x| ≤ TRIG_REDUCTION_LIMIT; larger lanes call
 * `Math.sin`/`Math.cos` through a float64 import, one vector at a time, only when present).
 */
import { type Expr, f32, f32x4, get, i32, i32x4, lane, op } from '../wasm/expr.js';
import type { FunctionBuilder } from '../wasm/function.js';
import type { ImportTable } from './imports.js';

const add = (a: Expr, b: Expr): Expr => op('f32x4.add', a, b);
const sub = (a: Expr, b: Expr): Expr => op('f32x4.sub', a, b);
const mul = (a: Expr, b: Expr): Expr => op('f32x4.mul', a, b);
const div = (a: Expr, b: Expr): Expr => op('f32x4.div', a, b);

/**
 * Largest |x| the three-constant reduction by π/2 keeps within the ulp bounds of the tests: near 7,750
 * sin and tan were 8–9 ulp off (found by the sweep at a coarser stride), so larger lanes go to Math.
 */
const TRIG_REDUCTION_LIMIT = 2048;
/** Lanes of `a` where `mask` is set, else of `b`. */
export const sel = (mask: Expr, a: Expr, b: Expr): Expr => op('v128.bitselect', a, b, mask);

const LOG2E = 1.4426950408889634;
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** 1.5 · 2^23: adding it rounds a float to an integer held in the low mantissa bits. */
const MAGIC = 12582912;
const MAGIC_BITS = 0x4b400000;

export class F32x4Math {
  constructor(
    private readonly fn: FunctionBuilder,
    private readonly fma: boolean,
    private readonly imports: ImportTable,
  ) {}

  /** a·b + c, fused where relaxed SIMD is available. */
  madd(a: Expr, b: Expr, c: Expr): Expr {
    return this.fma ? op('f32x4.relaxed_madd', a, b, c) : add(mul(a, b), c);
  }

  /** Horner's rule: c[0] + x·(c[1] + x·(…)). */
  poly(x: Expr, coefficients: readonly number[]): Expr {
    let acc = f32x4(coefficients[coefficients.length - 1]);
    for (let i = coefficients.length - 2; i >= 0; i--) acc = this.madd(acc, x, f32x4(coefficients[i]));
    return acc;
  }

  private let(e: Expr): Expr {
    return this.fn.let(e);
  }

  /** 2^n for integer lanes n in [-126, 127], as float bits. */
  private pow2(n: Expr): Expr {
    return op('i32x4.shl', op('i32x4.add', n, i32x4(127)), i32(23));
  }

  /**
   * Rounds `x·log2e` to an integer n and reduces: returns n (integer lanes), n (float lanes) and
   * r = x − n·ln2 with |r| ≤ ln2/2.
   */
  private reduceLn2(x: Expr): { n: Expr; nf: Expr; r: Expr } {
    const v = this.let(this.madd(x, f32x4(LOG2E), f32x4(MAGIC)));
    const nf = this.let(sub(v, f32x4(MAGIC)));
    const n = this.let(op('i32x4.sub', v, i32x4(MAGIC_BITS)));
    const r = this.let(this.madd(nf, f32x4(-LN2_LO), this.madd(nf, f32x4(-LN2_HI), x)));
    return { n, nf, r };
  }

  exp(xIn: Expr): Expr {
    // Beyond these, the result is inf or rounds to 0; NaN passes pmin/pmax unchanged.
    const x = this.let(op('f32x4.pmax', op('f32x4.pmin', xIn, f32x4(89)), f32x4(-104)));
    const { n, r } = this.reduceLn2(x);
    const p = this.poly(
      r,
      [5.0000001201e-1, 1.6666665459e-1, 4.1665795894e-2, 8.3334519073e-3, 1.3981999507e-3, 1.98756915e-4],
    );
    const y = this.madd(p, mul(r, r), add(r, f32x4(1)));
    // Two-step scaling: 2^n1 · 2^n2 with n1 + n2 = n keeps both factors normal for n in [-150, 128].
    const n1 = this.let(op('i32x4.shr_s', n, i32(1)));
    const n2 = op('i32x4.sub', n, n1);
    return mul(mul(y, this.pow2(n1)), this.pow2(n2));
  }

  log(xIn: Expr): Expr {
    const x = this.let(xIn);
    // Subnormals: scale into the normal range first.
    const tiny = this.let(op('f32x4.lt', x, f32x4(1.17549435e-38)));
    const xs = sel(tiny, mul(x, f32x4(8388608)), x);
    const bits = this.let(xs);
    const e0 = op('i32x4.sub', op('i32x4.shr_u', bits, i32(23)), sel(tiny, i32x4(126 + 23), i32x4(126)));
    // m in [0.5, 1); e such that x = m·2^e.
    const m0 = this.let(op('v128.or', op('v128.and', bits, i32x4(0x007fffff)), i32x4(0x3f000000)));
    const small = this.let(op('f32x4.lt', m0, f32x4(Math.SQRT1_2)));
    // e −= 1 where m < √½ (the mask is −1 there).
    const e = op('f32x4.convert_i32x4_s', op('i32x4.add', e0, small));
    const ef = this.let(e);
    const m = this.let(sub(add(m0, op('v128.and', m0, small)), f32x4(1)));
    const z = this.let(mul(m, m));
    const p = this.poly(
      m,
      [
        3.3333331174e-1, -2.4999993993e-1, 2.0000714765e-1, -1.6668057665e-1, 1.4249322787e-1,
        -1.242014084e-1, 1.167699874e-1, -1.151461031e-1, 7.0376836292e-2,
      ],
    );
    let y = mul(mul(m, z), p);
    y = this.madd(ef, f32x4(LN2_LO), y);
    y = this.madd(z, f32x4(-0.5), y);
    let res = this.madd(ef, f32x4(LN2_HI), add(m, y));
    res = sel(op('f32x4.eq', x, f32x4(Infinity)), f32x4(Infinity), res);
    res = sel(op('f32x4.eq', x, f32x4(0)), f32x4(-Infinity), res);
    // Negative lanes and NaN give NaN.
    return sel(op('f32x4.ge', x, f32x4(0)), res, f32x4(NaN));
  }

  log1p(xIn: Expr): Expr {
    const x = this.let(xIn);
    const u = this.let(add(x, f32x4(1)));
    // log(u)·x/(u−1) cancels the rounding of 1 + x (Goldberg); where u = 1 the answer is x itself.
    const res = mul(this.log(u), div(x, sub(u, f32x4(1))));
    const finite = sel(op('f32x4.eq', u, f32x4(1)), x, res);
    return sel(op('f32x4.eq', x, f32x4(Infinity)), x, finite);
  }

  /** expm1 on lanes already clamped to [-18, 88]: 2^n·expm1(r) + (2^n − 1). */
  private expm1Core(x: Expr): Expr {
    const { n, r } = this.reduceLn2(x);
    const p = this.madd(
      mul(r, r),
      this.poly(r, [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320]),
      r,
    );
    const t = this.let(this.pow2(n));
    return this.madd(t, p, sub(t, f32x4(1)));
  }

  expm1(xIn: Expr): Expr {
    const x = this.let(xIn);
    const core = this.expm1Core(op('f32x4.pmax', op('f32x4.pmin', x, f32x4(80)), f32x4(-18)));
    const big = sel(op('f32x4.gt', x, f32x4(80)), this.exp(x), core);
    return sel(op('f32x4.le', op('f32x4.abs', x), f32x4(2 ** -25)), x, big);
  }

  tanh(xIn: Expr): Expr {
    const x = this.let(xIn);
    const two = mul(op('f32x4.pmax', op('f32x4.pmin', x, f32x4(9)), f32x4(-9)), f32x4(2));
    const e = this.let(this.expm1Core(two));
    return sel(op('f32x4.le', op('f32x4.abs', x), f32x4(2 ** -13)), x, div(e, add(e, f32x4(2))));
  }

  sigmoid(xIn: Expr): Expr {
    const x = this.let(xIn);
    const e = this.let(this.exp(op('f32x4.neg', op('f32x4.abs', x))));
    return div(sel(op('f32x4.lt', x, f32x4(0)), e, f32x4(1)), add(e, f32x4(1)));
  }

  softplus(xIn: Expr): Expr {
    const x = this.let(xIn);
    return add(op('f32x4.pmax', x, f32x4(0)), this.log1p(this.exp(op('f32x4.neg', op('f32x4.abs', x)))));
  }

  /** sin (phase 0), cos (phase 1) or tan by quadrant. */
  private trig(xIn: Expr, kind: 'sin' | 'cos' | 'tan'): Expr {
    const x = this.let(xIn);
    const jf = this.let(op('f32x4.nearest', mul(x, f32x4(2 / Math.PI))));
    const j = this.let(op('i32x4.trunc_sat_f32x4_s', jf));
    let r = this.madd(jf, f32x4(-1.5703125), x);
    r = this.madd(jf, f32x4(-4.837512969970703125e-4), r);
    r = this.madd(jf, f32x4(-7.549789954891882e-8), r);
    const rr = this.let(r);
    const z = this.let(mul(rr, rr));
    const s = this.let(
      this.madd(mul(rr, z), this.poly(z, [-1.6666654611e-1, 8.3321608736e-3, -1.9515295891e-4]), rr),
    );
    const c = this.let(
      this.madd(
        mul(z, z),
        this.poly(z, [4.166664568298827e-2, -1.388731625493765e-3, 2.443315711809948e-5]),
        this.madd(z, f32x4(-0.5), f32x4(1)),
      ),
    );
    let res: Expr;
    if (kind === 'tan') {
      const odd = op('i32x4.ne', op('v128.and', j, i32x4(1)), i32x4(0));
      res = this.let(sel(odd, op('f32x4.neg', div(c, s)), div(s, c)));
    } else {
      const q = this.let(kind === 'cos' ? op('i32x4.add', j, i32x4(1)) : j);
      const odd = op('i32x4.ne', op('v128.and', q, i32x4(1)), i32x4(0));
      const sign = op('i32x4.shl', op('v128.and', q, i32x4(2)), i32(30));
      res = this.let(op('v128.xor', sel(odd, c, s), sign));
    }
    // sin and tan are x itself below 2^-13, and this keeps their sign of zero (r·z + r loses −0).
    if (kind !== 'cos') res = this.let(sel(op('f32x4.le', op('f32x4.abs', x), f32x4(2 ** -13)), x, res));
    // Lanes beyond the reduction's range (and ±Inf) go through float64 Math, only when present.
    const out = this.fn.local('v128');
    this.fn.set(out, res);
    this.fn.if(op('v128.any_true', op('f32x4.gt', op('f32x4.abs', x), f32x4(TRIG_REDUCTION_LIMIT))), () => {
      for (let l = 0; l < 4; l++) {
        const xl = op('f64.promote_f32', lane('f32x4.extract_lane', l, x));
        const big = op('f32.gt', op('f32.abs', lane('f32x4.extract_lane', l, x)), f32(TRIG_REDUCTION_LIMIT));
        const exact = op('f32.demote_f64', this.imports.call(kind, xl));
        this.fn.if(big, () => this.fn.set(out, lane('f32x4.replace_lane', l, get(out), exact)));
      }
    });
    return get(out);
  }

  sin(x: Expr): Expr {
    return this.trig(x, 'sin');
  }

  cos(x: Expr): Expr {
    return this.trig(x, 'cos');
  }

  tan(x: Expr): Expr {
    return this.trig(x, 'tan');
  }
}
