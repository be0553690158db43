/**
 * Vectorized float32 math on f32x4 lanes: range reduction plus a short polynomial per function, with
 * the edges (±0, subnormals, ±Inf, NaN, overflow thresholds) handled by lane selects rather than
 * branches. Coefficients are Cephes's single-precision minimax sets (public constants) or our own fits.
 * Accuracy is measured, not assumed: `test/runtime/cpu/f32x4-math.test.ts` checks each function
 * against float64 over a dense sweep of float32 bit patterns and states the bound it found.
 *
 * Generator parameters (XNNPACK-style names in the debug text): `exp-rr2-p6` (two-constant
 * Cody–Waite reduction, degree-6 polynomial, two-step 2^n scaling so subnormal results round once),
 * `log-p9`, `sin-rr3pi-p9` and `cos-rr3pi-p9` (three-part reduction by π, five without FMA; one odd
 * degree-9 polynomial), `tan-rr3pi2-p13` (reduction by π/2, one odd degree-13 polynomial, −1/tan in
 * odd quadrants). The trigonometric reductions are valid to |x| ≤ TRIG_REDUCTION_LIMIT; larger lanes
 * call `Math.sin`/`Math.cos`/`Math.tan` through a float64 import, one vector at a time, only when
 * present (or, in a loop's unchecked form, in a checked copy of its body).
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
/**
 * π as a sum of positive float32 parts for the Cody–Waite reductions (by π, and by π/2 with every part
 * halved, exactly). Floats below 2048 come within 4.2e-9 of a multiple of π/2, so the parts carry π to
 * ~2^-72 (with three, the old reduction was 600 ulp off at x = 1011.5928). With FMA each k·πᵢ is exact
 * inside the fused operation: π rounded down, its remainder rounded down, then the rest. Without it,
 * k·πᵢ must be an exact product: k has at most 11 significant bits below the limit (k·½ for cos, k for
 * tan's π/2), so the first four parts have 13.
 */
const PI_PARTS_FMA = [3.141592502593994, 1.5099578831723193e-7, 1.0780605906948477e-14];
const PI_PARTS = [
  3.14111328125, 4.793405532836914e-4, 3.1781382858753204e-8, 5.126565838509123e-12, 1.2246468525851679e-16,
];
/**
 * sin(r)/r ≈ 1 + r²·(c₁ + c₂r² + c₃r⁴ + c₄r⁶) on [−π/2, π/2]: a minimax fit of the relative error (0.1·2^-24 before
 * rounding the coefficients to float32, 0.16·2^-24 after), our own fit by linear programming.
 */
const SIN_POLY = [-1.6666659713e-1, 8.3330664784e-3, -1.9809602236e-4, 2.6057803098e-6];
/**
 * tan(r) ≈ r + r³·p(r²) on [−π/4, π/4] (1% wider), p of degree 6: our own minimax fit of the relative
 * error by linear programming, 0.025·2^-24 (0.074 with the coefficients rounded to float32; Cephes's
 * degree-5 tanf set is 0.39, and left tan 2.75 ulp off on the dense sweep).
 */
const TAN_POLY = [
  3.3333352208e-1, 1.3332559168e-1, 5.4072011262e-2, 2.1218258888e-2, 1.1005070992e-2, -1.2921453163e-4,
  4.4860993512e-3,
];
/** 1.5 · 2^23: adding it rounds a float to an integer held in the low mantissa bits. */
const MAGIC = 12582912;
const MAGIC_BITS = 0x4b400000;
/** MAGIC + 127: the integer in the low bits is then n + 127, 2^n's biased exponent. */
const MAGIC_BIASED = MAGIC + 127;
/**
 * e^r ≈ 1 + r·q(r) on [−ln2/2, ln2/2] (2% wider), q of degree 5 with q(0) = 1: our own minimax fit of
 * the relative error, 0.06·2^-24 (0.08 with the coefficients rounded to float32).
 */
const EXP_POLY = [1, 4.9999991059e-1, 1.6666507721e-1, 4.1668649763e-2, 8.3701964468e-3, 1.3803321635e-3];

/**
 * log1p(z) ≈ z − z²/2 + z³·p(z) on [−¼, ½], p of degree 7: our own minimax fit of the relative error by
 * linear programming, 0.083·2^-24 with the coefficients rounded to float32 one at a time.
 */
const LOG1P_POLY = [
  3.3333450556e-1, -2.5000110269e-1, 1.9990848005e-1, -1.6646878421e-1, 1.447762996e-1, -1.3163936138e-1,
  1.0472551733e-1, -4.5152284205e-2,
];

/**
 * Ops whose vector form is exact only over a limited range of arguments (see `largeLanes`): a loop can
 * run them unchecked (`F32x4Math.unchecked`) and branch to a checked copy of its body.
 */
export const RANGE_LIMITED_OPS: ReadonlySet<string> = new Set(['sin', 'cos', 'tan']);

/** The sign bit of `x & 0x7fffffff` plus this is set where |x| > TRIG_REDUCTION_LIMIT (and for NaN and ±Inf). */
const OUT_OF_RANGE_BIAS = 0x7fffffff - new Int32Array(new Float32Array([TRIG_REDUCTION_LIMIT]).buffer)[0];

export class F32x4Math {
  /** While `unchecked` runs: per range check left out, its lanes' out-of-range sign bits. */
  private skipped: Expr[] | undefined;

  constructor(
    private readonly fn: FunctionBuilder,
    private readonly fma: boolean,
    private readonly imports: ImportTable,
  ) {}

  /**
   * Generates `body` with the range checks of {@link RANGE_LIMITED_OPS} left out: their lanes beyond the
   * vector form's range come out wrong, and `outOfRange` (undefined when nothing was left out) has the
   * sign bit of a lane set where that lane needs the checked form. A loop runs this form and branches,
   * on `i32x4.bitmask(outOfRange)`, to a copy of its body generated the checked way; the checks, with
   * their calls out to Math, then stay out of the hot loop, where they made V8 spill every register.
   */
  unchecked<T>(body: () => T): { value: T; outOfRange: Expr | undefined } {
    const outer = this.skipped;
    this.skipped = [];
    try {
      const value = body();
      const skipped = this.skipped;
      const outOfRange = skipped.length === 0 ? undefined : skipped.reduce((a, b) => op('v128.or', a, b));
      return { value, outOfRange };
    } finally {
      this.skipped = outer;
    }
  }

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

  /**
   * c[0] + x·c[1] + x²·(c[2] + x·c[3]) + …: Estrin's scheme, pairs joined by powers x², x⁴, …, so the
   * chain of dependent operations is about log₂ of the degree long rather than the degree.
   */
  polyEstrin(x: Expr, coefficients: readonly number[]): Expr {
    let terms: Expr[] = [];
    for (let i = 0; i < coefficients.length; i += 2) {
      const c = f32x4(coefficients[i]);
      terms.push(i + 1 < coefficients.length ? this.madd(f32x4(coefficients[i + 1]), x, c) : c);
    }
    let power = x;
    while (terms.length > 1) {
      power = this.let(mul(power, power));
      const next: Expr[] = [];
      for (let i = 0; i < terms.length; i += 2) {
        next.push(i + 1 < terms.length ? this.madd(terms[i + 1], power, terms[i]) : terms[i]);
      }
      terms = next;
    }
    return terms[0];
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

  /**
   * e^x = 2^n · e^r: n and r as in `reduceLn2` (the magic number carrying 2^n's exponent bias too), e^r
   * = 1 + r·q(r), and 2^n = s1·s2, two normal factors for n in [−150, 128] (subnormal results round
   * once), s1 applied inside the last FMA.
   */
  exp(xIn: Expr): Expr {
    // Beyond these, the result is inf or rounds to 0; NaN passes pmin/pmax unchanged.
    return this.expClamped(op('f32x4.pmax', op('f32x4.pmin', xIn, f32x4(89)), f32x4(-104)));
  }

  /** `exp` of lanes already clamped to [−104, 89] (or NaN). */
  private expClamped(xIn: Expr): Expr {
    const x = this.let(xIn);
    const v = this.let(this.madd(x, f32x4(LOG2E), f32x4(MAGIC_BIASED)));
    const nf = this.let(sub(v, f32x4(MAGIC_BIASED)));
    const r = this.let(this.madd(nf, f32x4(-LN2_LO), this.madd(nf, f32x4(-LN2_HI), x)));
    // v's low bits are e = n + 127; shifted by 23 they are an exponent field (the rest shifts out):
    // s1 = 2^(⌊e/2⌋ + 64 − 127) and s2 = 2^(⌈e/2⌉ + 63 − 127), so s1·s2 = 2^n.
    const half = this.let(op('i32x4.shr_s', v, i32(1)));
    const s1 = this.let(op('i32x4.add', op('i32x4.shl', half, i32(23)), i32x4(64 << 23)));
    const s2 = op('i32x4.add', op('i32x4.shl', op('i32x4.sub', v, half), i32(23)), i32x4(63 << 23));
    return mul(this.madd(mul(r, s1), this.poly(r, EXP_POLY), s1), s2);
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

  /**
   * max(x, 0) + log1p(t) with t = e^−|x| in [0, 1], where log1p needs none of log's general handling
   * (no subnormal, negative, zero or infinite argument, no rounding of 1 + t to undo by a division): t
   * itself for t ≤ ½, and ln2 + log1p((t − 1)/2) above, (t − 1)/2 being exact there; both arguments lie
   * in [−¼, ½], where one polynomial of degree 10 suffices. The general log1p after exp took 5.4
   * ns/element where exp alone took 1.1 and log1p 2.6: a chain too long for the loop's iterations to
   * overlap; this one takes 2.1. ln2 in one float32 adds at most 0.06 ulp where it is added (results
   * above 0.4), and Horner's rule was 3.5% faster than Estrin's scheme here with FMA (1% slower without).
   */
  softplus(xIn: Expr): Expr {
    const x = this.let(xIn);
    // −|x| is x with its sign bit set; below −104, e^−|x| rounds to 0.
    const t = this.let(this.expClamped(op('f32x4.pmax', op('v128.or', x, i32x4(-0x80000000)), f32x4(-104))));
    const upper = this.let(op('f32x4.gt', t, f32x4(0.5)));
    const z = this.let(sel(upper, this.madd(t, f32x4(0.5), f32x4(-0.5)), t));
    const zz = this.let(mul(z, z));
    // log1p(z) = z + z²·(z·p(z) − ½), plus ln2 in the upper half.
    const tail = mul(zz, this.madd(z, this.poly(z, LOG1P_POLY), f32x4(-0.5)));
    const log1p = add(op('v128.and', upper, f32x4(Math.LN2)), add(z, tail));
    return add(op('f32x4.pmax', x, f32x4(0)), log1p);
  }

  /** `res`, with lanes of `x` beyond the reduction's range (and ±Inf) through float64 Math, only when present. */
  private largeLanes(x: Expr, res: Expr, kind: 'sin' | 'cos' | 'tan'): Expr {
    if (this.skipped) {
      this.skipped.push(
        this.let(op('i32x4.add', op('v128.and', x, i32x4(0x7fffffff)), i32x4(OUT_OF_RANGE_BIAS))),
      );
      return res;
    }
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

  /**
   * r = x − k·π·scale by Cody–Waite parts, each added as k·(−part) with the part positive, so that −0
   * stays −0 (an addend +0 would turn it into +0).
   */
  private reducePi(x: Expr, k: Expr, scale: number): Expr {
    let r = x;
    if (this.fma) {
      for (const part of PI_PARTS_FMA) r = this.madd(k, f32x4(-part * scale), r);
      return r;
    }
    // Without FMA, x − k·π₀ − k·π₁ is exact, and subtracting the rest part by part keeps a remainder near
    // 0 exact too; but a larger one is rounded at each of the last parts (0.8 ulp of r, and tan 3.6 ulp
    // at x = 1625.71). There the rest is subtracted at once: its own rounding is far below r's ulp.
    const products = PI_PARTS.map((part) => this.let(mul(k, f32x4(part * scale))));
    const head = this.let(sub(sub(r, products[0]), products[1]));
    const partByPart = products.slice(2).reduce((acc, p) => sub(acc, p), head);
    const atOnce = sub(
      head,
      products.slice(2).reduce((acc, p) => add(acc, p)),
    );
    return sel(op('f32x4.lt', op('f32x4.abs', head), f32x4(2 ** -10)), partByPart, atOnce);
  }

  /**
   * (−1)^k sin(r) for r in [−π/2, π/2], k's parity being the low bit of `v` (a magic-number sum): one
   * odd polynomial, r + r·t with t = r²·q(r²) + 0, which is +0 rather than −0 where r = ±0, so the sum
   * keeps r's sign of zero.
   */
  private sinReduced(r: Expr, v: Expr): Expr {
    const rr = this.let(op('v128.xor', r, op('i32x4.shl', v, i32(31))));
    const z = this.let(mul(rr, rr));
    const t = this.madd(z, this.poly(z, SIN_POLY), f32x4(0));
    return this.let(this.madd(rr, t, rr));
  }

  /**
   * sin reduced by π, not π/2: with k = round(x/π) and r = x − kπ in [−π/2, π/2], sin(x) = (−1)^k sin(r),
   * and the parity of k is the low bit of the magic-number sum, so one polynomial serves every lane:
   * no quadrant select, no float-to-int conversion.
   */
  sin(xIn: Expr): Expr {
    const x = this.let(xIn);
    const v = this.let(this.madd(x, f32x4(1 / Math.PI), f32x4(MAGIC)));
    const k = sub(v, f32x4(MAGIC));
    return this.largeLanes(x, this.sinReduced(this.reducePi(x, this.let(k), 1), v), 'sin');
  }

  /**
   * cos as sin by π too: with k = round(x/π + ½) and r = x − (k − ½)π in [−π/2, π/2],
   * cos(x) = (−1)^k sin(r). k − ½ is exact, and so is each k·πᵢ the reduction needs.
   */
  cos(xIn: Expr): Expr {
    const x = this.let(xIn);
    const v = this.let(add(this.madd(x, f32x4(1 / Math.PI), f32x4(0.5)), f32x4(MAGIC)));
    const k = sub(sub(v, f32x4(MAGIC)), f32x4(0.5));
    return this.largeLanes(x, this.sinReduced(this.reducePi(x, this.let(k), 1), v), 'cos');
  }

  /**
   * tan by quadrant: reduced by π/2, t = tan(r) by one polynomial (Estrin's scheme, for a short chain)
   * and −1/t in odd quadrants. One division where s/c or −c/s took two, and more accurate: a sine
   * polynomial over a cosine one was 3.7 ulp off near 5π/4, this is 2.6 at worst (every 5th float in
   * [0.125, 4096)), mostly from rounding r: tan′(r) = 2 where |r| nears π/4.
   */
  tan(xIn: Expr): Expr {
    const x = this.let(xIn);
    const v = this.let(this.madd(x, f32x4(2 / Math.PI), f32x4(MAGIC)));
    const rr = this.let(this.reducePi(x, this.let(sub(v, f32x4(MAGIC))), 0.5));
    const z = this.let(mul(rr, rr));
    const t = this.let(this.madd(mul(rr, z), this.polyEstrin(z, TAN_POLY), rr));
    // An odd quadrant (the low bit of the magic-number sum) is −1/t.
    const odd = op('i32x4.shr_s', op('i32x4.shl', v, i32(31)), i32(31));
    const res = this.let(sel(odd, div(f32x4(-1), t), t));
    // tan is x itself below 2^-13, and this keeps its sign of zero (r·z + r loses −0).
    return this.largeLanes(
      x,
      this.let(sel(op('f32x4.le', op('f32x4.abs', x), f32x4(2 ** -13)), x, res)),
      'tan',
    );
  }
}
