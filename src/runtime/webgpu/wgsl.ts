/**
 * A small typed WGSL syntax tree and its printer. Kernels are built as trees (expressions carry their
 * WGSL type, statements are tagged nodes, a module lists its bindings and entry point) and printed in
 * one place, so no kernel assembles shader text from strings and flags. Helper functions used by
 * expressions (erf, floor division, …) come from a fixed library, included by name.
 *
 * @example
 * const x = ident('x', 'f32');
 * printExpr(call('exp', [binary('*', x, lit(2, 'f32'))], 'f32')); // 'exp((x * 2.00000000f))'
 */

/** Scalar types as WGSL spells them; `bool` values live in buffers as u32. */
export type ScalarType = 'f32' | 'i32' | 'u32' | 'bool';
export type WgslType = ScalarType | `vec4<${ScalarType}>` | `vec3<u32>`;

export type Expr =
  | { readonly kind: 'lit'; readonly text: string; readonly type: WgslType }
  | { readonly kind: 'ident'; readonly name: string; readonly type: WgslType }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly type: WgslType }
  | {
      readonly kind: 'binary';
      readonly op: string;
      readonly a: Expr;
      readonly b: Expr;
      readonly type: WgslType;
    }
  | { readonly kind: 'unary'; readonly op: '-' | '!'; readonly a: Expr; readonly type: WgslType }
  | { readonly kind: 'index'; readonly base: Expr | string; readonly index: Expr; readonly type: WgslType }
  | { readonly kind: 'member'; readonly base: Expr; readonly name: string; readonly type: WgslType };

export type Stmt =
  | { readonly kind: 'let' | 'var'; readonly name: string; readonly type?: WgslType; readonly init?: Expr }
  | {
      readonly kind: 'assign';
      readonly target: Expr;
      readonly op: '=' | '+=' | '-=' | '*=';
      readonly value: Expr;
    }
  | {
      readonly kind: 'if';
      readonly cond: Expr;
      readonly then: readonly Stmt[];
      readonly else?: readonly Stmt[];
    }
  | {
      readonly kind: 'for';
      /** `for (var name = from; name < to; name += step)` over i32 or u32 */
      readonly name: string;
      readonly type: 'i32' | 'u32';
      readonly from: Expr;
      readonly to: Expr;
      readonly step: Expr;
      readonly body: readonly Stmt[];
    }
  | { readonly kind: 'return' }
  | { readonly kind: 'barrier' };

/** A storage buffer binding: `array<element>` read-only or read-write. */
export interface StorageBinding {
  readonly name: string;
  readonly element: WgslType;
  readonly access: 'read' | 'read_write';
}

/** A workgroup-shared array. */
export interface WorkgroupArray {
  readonly name: string;
  readonly element: WgslType;
  readonly length: number;
}

export interface ShaderModule {
  /** Binding 0..n-1 of group 0, in order. */
  readonly storage: readonly StorageBinding[];
  /** Number of `vec4<i32>` in the uniform block bound after the storage buffers (0 for none). */
  readonly uniformVec4s: number;
  readonly workgroup: readonly WorkgroupArray[];
  /** Library helper functions the body calls, by name (see {@link HELPERS}). */
  readonly helpers: readonly string[];
  readonly workgroupSize: readonly [number, number, number];
  readonly body: readonly Stmt[];
}

// ---- expression builders ----------------------------------------------------------------------

export const ident = (name: string, type: WgslType): Expr => ({ kind: 'ident', name, type });

/** A literal of the given scalar type; non-finite floats become bit patterns. */
export function lit(value: number, type: ScalarType): Expr {
  switch (type) {
    case 'bool':
      return { kind: 'lit', text: value !== 0 ? 'true' : 'false', type };
    case 'u32':
      return { kind: 'lit', text: `${value >>> 0}u`, type };
    case 'i32':
      // -2^31 has no literal spelling: WGSL parses the magnitude first.
      return value === -2147483648
        ? { kind: 'lit', text: 'bitcast<i32>(0x80000000u)', type }
        : { kind: 'lit', text: `${value | 0}i`, type };
    case 'f32': {
      // WGSL's constant evaluation rejects non-finite values: these come from library functions.
      if (Number.isNaN(value)) return call('nan_f32', [], type);
      if (value === Infinity) return call('inf_f32', [], type);
      if (value === -Infinity) return neg(call('inf_f32', [], type));
      const f = Math.fround(value);
      if (Math.abs(f) > 3.4028234663852886e38) return lit(f > 0 ? Infinity : -Infinity, 'f32');
      const text = f.toPrecision(9);
      return { kind: 'lit', text: /[.e]/.test(text) ? `${text}f` : `${text}.0f`, type };
    }
  }
}

export const call = (fn: string, args: readonly Expr[], type: WgslType): Expr => ({
  kind: 'call',
  fn,
  args,
  type,
});

/** `a op b`; comparison and logical operators give bool, the others the type of `a`. */
export function binary(op: string, a: Expr, b: Expr): Expr {
  const boolean = ['<', '<=', '>', '>=', '==', '!=', '&&', '||'].includes(op);
  return { kind: 'binary', op, a, b, type: boolean ? 'bool' : a.type };
}

export const neg = (a: Expr): Expr => ({ kind: 'unary', op: '-', a, type: a.type });
export const not = (a: Expr): Expr => ({ kind: 'unary', op: '!', a, type: 'bool' });

/** `select(ifFalse, ifTrue, cond)`. */
export const select = (ifFalse: Expr, ifTrue: Expr, cond: Expr): Expr =>
  call('select', [ifFalse, ifTrue, cond], ifTrue.type);

/** `base[index]` where base is a binding or a workgroup array named by string. */
export const at = (base: Expr | string, index: Expr, type: WgslType): Expr => ({
  kind: 'index',
  base,
  index,
  type,
});

export const member = (base: Expr, name: string, type: WgslType): Expr => ({
  kind: 'member',
  base,
  name,
  type,
});

/** Converts between scalar types (WGSL's value constructors: bool(x) is x != 0, f32(true) is 1). */
export function convert(e: Expr, to: ScalarType): Expr {
  if (e.type === to) return e;
  // NaN is true (numpy's truthiness); decided from the bits, which no float assumption folds.
  if (to === 'bool' && e.type === 'f32') return call('truthy_f32', [e], 'bool');
  return call(to, [e], to);
}

// ---- statement builders -----------------------------------------------------------------------

export const let_ = (name: string, init: Expr): Stmt => ({ kind: 'let', name, init });
export const var_ = (name: string, type: WgslType, init?: Expr): Stmt => ({ kind: 'var', name, type, init });
export const assign = (target: Expr, value: Expr, op: '=' | '+=' | '-=' | '*=' = '='): Stmt => ({
  kind: 'assign',
  target,
  op,
  value,
});
export const if_ = (cond: Expr, then: readonly Stmt[], otherwise?: readonly Stmt[]): Stmt => ({
  kind: 'if',
  cond,
  then,
  else: otherwise,
});
export const for_ = (
  name: string,
  type: 'i32' | 'u32',
  from: Expr,
  to: Expr,
  step: Expr,
  body: readonly Stmt[],
): Stmt => ({ kind: 'for', name, type, from, to, step, body });
export const return_: Stmt = { kind: 'return' };
export const barrier: Stmt = { kind: 'barrier' };

// ---- printing ---------------------------------------------------------------------------------

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'lit':
    case 'ident':
      return e.kind === 'lit' ? e.text : e.name;
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'binary':
      return `(${printExpr(e.a)} ${e.op} ${printExpr(e.b)})`;
    case 'unary':
      return `(${e.op}${printExpr(e.a)})`;
    case 'index':
      return `${typeof e.base === 'string' ? e.base : printExpr(e.base)}[${printExpr(e.index)}]`;
    case 'member':
      return `${printExpr(e.base)}.${e.name}`;
  }
}

function printStmts(stmts: readonly Stmt[], indent: string, out: string[]): void {
  for (const s of stmts) {
    switch (s.kind) {
      case 'let':
        out.push(`${indent}let ${s.name} = ${printExpr(s.init!)};`);
        break;
      case 'var':
        out.push(`${indent}var ${s.name}: ${s.type}${s.init ? ` = ${printExpr(s.init)}` : ''};`);
        break;
      case 'assign':
        out.push(`${indent}${printExpr(s.target)} ${s.op} ${printExpr(s.value)};`);
        break;
      case 'if':
        out.push(`${indent}if (${printExpr(s.cond)}) {`);
        printStmts(s.then, `${indent}  `, out);
        if (s.else && s.else.length > 0) {
          out.push(`${indent}} else {`);
          printStmts(s.else, `${indent}  `, out);
        }
        out.push(`${indent}}`);
        break;
      case 'for':
        out.push(
          `${indent}for (var ${s.name}: ${s.type} = ${printExpr(s.from)}; ${s.name} < ${printExpr(s.to)}; ` +
            `${s.name} += ${printExpr(s.step)}) {`,
        );
        printStmts(s.body, `${indent}  `, out);
        out.push(`${indent}}`);
        break;
      case 'return':
        out.push(`${indent}return;`);
        break;
      case 'barrier':
        out.push(`${indent}workgroupBarrier();`);
        break;
    }
  }
}

/** The module's WGSL text. Entry point `main`; builtins `lid`, `wid`, `gid`, `nwg` are in scope. */
export function printModule(m: ShaderModule): string {
  const out: string[] = [];
  m.storage.forEach((b, i) => {
    out.push(`@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.element}>;`);
  });
  if (m.uniformVec4s > 0) {
    out.push(`struct Params { p: array<vec4<i32>, ${m.uniformVec4s}> }`);
    out.push(`@group(0) @binding(${m.storage.length}) var<uniform> params: Params;`);
  }
  for (const w of m.workgroup) out.push(`var<workgroup> ${w.name}: array<${w.element}, ${w.length}>;`);
  for (const name of closeHelpers([...m.helpers, ...helpersCalled(m.body)]))
    out.push(HELPERS[name].text.trim());
  const [x, y, z] = m.workgroupSize;
  out.push(`@compute @workgroup_size(${x}, ${y}, ${z})`);
  out.push(
    'fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,\n' +
      '        @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
  );
  printStmts(m.body, '  ', out);
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Library functions the statements call (literals of infinity and NaN call them too). */
function helpersCalled(stmts: readonly Stmt[]): string[] {
  const found = new Set<string>();
  const expr = (e: Expr | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case 'call':
        if (e.fn in HELPERS) found.add(e.fn);
        e.args.forEach(expr);
        return;
      case 'binary':
        expr(e.a);
        expr(e.b);
        return;
      case 'unary':
        expr(e.a);
        return;
      case 'index':
        if (typeof e.base !== 'string') expr(e.base);
        expr(e.index);
        return;
      case 'member':
        expr(e.base);
        return;
    }
  };
  const walk = (list: readonly Stmt[]): void => {
    for (const s of list) {
      switch (s.kind) {
        case 'let':
        case 'var':
          expr(s.init);
          break;
        case 'assign':
          expr(s.target);
          expr(s.value);
          break;
        case 'if':
          expr(s.cond);
          walk(s.then);
          walk(s.else ?? []);
          break;
        case 'for':
          [s.from, s.to, s.step].forEach(expr);
          walk(s.body);
          break;
      }
    }
  };
  walk(stmts);
  return [...found];
}

/** Uniform parameter `i` (an i32) of the block printed by {@link printModule}. */
export function param(i: number): Expr {
  return member(at(ident('params.p', 'vec4<i32>'), lit(i >> 2, 'u32'), 'vec4<i32>'), 'xyzw'[i & 3], 'i32');
}

// ---- helper library ---------------------------------------------------------------------------

interface Helper {
  readonly text: string;
  readonly uses?: readonly string[];
}

/** Fixed WGSL functions for ops with no builtin, or whose builtin differs from the reference. */
export const HELPERS: Readonly<Record<string, Helper>> = {
  // A var keeps the bit pattern out of constant evaluation, which rejects NaN and infinity.
  nan_f32: { text: 'fn nan_f32() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }' },
  inf_f32: { text: 'fn inf_f32() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }' },
  log1p_f32: {
    // log(u) * x / (u - 1) cancels the rounding of u = 1 + x (Goldberg's trick).
    text: `
fn log1p_f32(x: f32) -> f32 {
  let u = 1.0f + x;
  if (u == 1.0f) { return x; }
  return log(u) * x / (u - 1.0f);
}`,
  },
  expm1_f32: {
    text: `
fn expm1_f32(x: f32) -> f32 {
  if (abs(x) < 1e-5f) { return x + 0.5f * x * x; }
  return exp(x) - 1.0f;
}`,
  },
  sigmoid_f32: {
    text: `
fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0f) { return 1.0f / (1.0f + exp(-x)); }
  let e = exp(x);
  return e / (1.0f + e);
}`,
  },
  softplus_f32: {
    text: 'fn softplus_f32(x: f32) -> f32 { return max(x, 0.0f) + log1p_f32(exp(-abs(x))); }',
    uses: ['log1p_f32'],
  },
  erfc_f32: {
    // Numerical Recipes' erfcc: fractional error below 1.2e-7 everywhere.
    text: `
fn erfc_f32(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0f / (1.0f + 0.5f * z);
  let r = t * exp(-z * z - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f +
    t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f +
    t * (-0.82215223f + t * 0.17087277f)))))))));
  return select(2.0f - r, r, x >= 0.0f);
}`,
  },
  erf_f32: {
    // The Taylor series near 0 keeps erf's relative accuracy where 1 - erfc would cancel.
    text: `
fn erf_f32(x: f32) -> f32 {
  if (abs(x) < 0.5f) {
    let x2 = x * x;
    return 1.1283791671f * x * (1.0f - x2 * (0.333333333f - x2 * (0.1f - x2 * (0.0238095238f - x2 * 0.00462962963f))));
  }
  return 1.0f - erfc_f32(x);
}`,
    uses: ['erfc_f32'],
  },
  log1mexp_f32: {
    text: `
fn log1mexp_f32(x: f32) -> f32 {
  if (x > -0.693147181f) { return log(-expm1_f32(x)); }
  return log1p_f32(-exp(x));
}`,
    uses: ['expm1_f32', 'log1p_f32'],
  },
  pow_f32: {
    // WGSL's pow is undefined for a negative base; the reference (Math.pow) allows integer exponents.
    text: `
fn pow_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0f) { return 1.0f; }
  if (is_nan_f32(a) || is_nan_f32(b)) { return nan_f32(); }
  let odd = floor(b) == b && fract(b * 0.5f) != 0.0f;
  if (a == 0.0f) {
    // Math.pow keeps a zero base's sign under an odd integer power: pow(-0, -3) is -Infinity.
    let z = select(inf_f32(), 0.0f, b > 0.0f);
    return select(z, -z, odd && (bitcast<u32>(a) >> 31u) == 1u);
  }
  let m = exp2(b * log2(abs(a)));
  if (a > 0.0f) { return m; }
  if (floor(b) != b) { return nan_f32(); }
  return select(m, -m, odd);
}`,
    uses: ['nan_f32', 'inf_f32', 'is_nan_f32'],
  },
  pow_i32: {
    text: `
fn pow_i32(a: i32, b: i32) -> i32 {
  if (b < 0) { return select(0, select(-1, 1, (b & 1) == 0), a == -1) + select(0, 1, a == 1); }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) == 1) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}`,
  },
  int_div_i32: {
    text: `
fn int_div_i32(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  return select(q, q - 1, q * b != a && ((a < 0) != (b < 0)));
}`,
  },
  mod_i32: {
    text: `
fn mod_i32(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}`,
  },
  mod_f32: {
    text: `
fn mod_f32(a: f32, b: f32) -> f32 {
  var r = a - b * trunc(a / b);
  // fmod(a, ±inf) is a: the formula above would give inf * 0.
  if ((bitcast<u32>(b) & 0x7fffffffu) == 0x7f800000u && !is_nan_f32(a)) { r = a; }
  return select(r, r + b, r != 0.0f && ((r < 0.0f) != (b < 0.0f)));
}`,
    uses: ['is_nan_f32'],
  },
  // WGSL lets implementations assume no NaN (lavapipe folds x != x to false), so NaN is found in
  // the bits, where no float assumption reaches.
  is_nan_f32: {
    text: 'fn is_nan_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }',
  },
  truthy_f32: {
    text: 'fn truthy_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }',
  },
  max_nan_f32: {
    text: `
fn max_nan_f32(a: f32, b: f32) -> f32 {
  if (is_nan_f32(a) || is_nan_f32(b)) { return nan_f32(); }
  return select(b, a, a >= b);
}`,
    uses: ['is_nan_f32', 'nan_f32'],
  },
  min_nan_f32: {
    text: `
fn min_nan_f32(a: f32, b: f32) -> f32 {
  if (is_nan_f32(a) || is_nan_f32(b)) { return nan_f32(); }
  return select(b, a, a <= b);
}`,
    uses: ['is_nan_f32', 'nan_f32'],
  },
  relu_f32: {
    text: 'fn relu_f32(x: f32) -> f32 { return select(select(x, 0.0f, x < 0.0f), x, is_nan_f32(x)); }',
    uses: ['is_nan_f32'],
  },
};

/** The helpers named and those they use, each once, dependencies first. */
function closeHelpers(names: readonly string[]): string[] {
  const done: string[] = [];
  const visit = (name: string): void => {
    if (done.includes(name)) return;
    const helper = HELPERS[name];
    if (helper === undefined) throw new Error(`unknown WGSL helper '${name}'`);
    for (const dep of helper.uses ?? []) visit(dep);
    done.push(name);
  };
  [...names].sort().forEach(visit);
  return done;
}
