/**
 * Typed expression trees over WebAssembly instructions. A generator builds an `Expr` tree; emitting
 * it writes the instructions in stack order, and `text()` renders the folded text format
 * (`(f32x4.mul (local.get 2) (v128.const f32x4 2 2 2 2))`) for `SATURN_DEBUG=wasm`. Types are checked
 * when a tree is built, so a wrongly typed generator fails at generation, not in `WebAssembly.compile`.
 */
import { f32Bytes, f64Bytes, sleb, uleb } from './encoding.js';
import {
  LANES,
  type LaneName,
  LOADS,
  type LoadName,
  PLAIN,
  type PlainOpName,
  SHUFFLE,
  V128_CONST,
  type ValType,
} from './opcodes.js';

export interface Expr {
  readonly type: ValType;
  emit(out: number[]): void;
  text(): string;
}

/** A local variable of a function under construction. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

export class WasmTypeError extends Error {
  constructor(message: string) {
    super(`wasm emitter: ${message}`);
    this.name = 'WasmTypeError';
  }
}

function expect(where: string, got: ValType, want: ValType): void {
  if (got !== want) throw new WasmTypeError(`${where}: operand is ${got}, expected ${want}`);
}

/** An instruction without immediates applied to operand trees. @example `op('i32.add', i32(1), i32(2))` */
export function op(name: PlainOpName, ...args: Expr[]): Expr {
  const def = PLAIN[name];
  if (def.result === null) throw new WasmTypeError(`${name} has no result`);
  if (args.length !== def.args.length)
    throw new WasmTypeError(`${name}: ${args.length} operands, expected ${def.args.length}`);
  args.forEach((a, i) => expect(name, a.type, def.args[i]));
  return {
    type: def.result,
    emit: (out) => {
      for (const a of args) a.emit(out);
      out.push(...def.code);
    },
    text: () => `(${name} ${args.map((a) => a.text()).join(' ')})`,
  };
}

/** A load from `addr + offset`. @example `load('f32.load', get(p), 8)` */
export function load(name: LoadName, addr: Expr, offset = 0): Expr {
  const def = LOADS[name];
  expect(name, addr.type, 'i32');
  if (!(offset >= 0)) throw new WasmTypeError(`${name}: offset ${offset} (memory offsets are unsigned)`);
  return {
    type: def.type as ValType,
    emit: (out) => {
      addr.emit(out);
      out.push(...def.code, ...uleb(def.align), ...uleb(offset));
    },
    text: () => `(${name} offset=${offset} ${addr.text()})`,
  };
}

/** A lane instruction. @example `lane('f32x4.extract_lane', 0, get(v))` */
export function lane(name: LaneName, index: number, ...args: Expr[]): Expr {
  const def = LANES[name];
  args.forEach((a, i) => expect(name, a.type, def.args[i] as ValType));
  return {
    type: def.result as ValType,
    emit: (out) => {
      for (const a of args) a.emit(out);
      out.push(...def.code, index);
    },
    text: () => `(${name} ${index} ${args.map((a) => a.text()).join(' ')})`,
  };
}

/** i8x16.shuffle with 16 byte-lane indices into the concatenation of `a` and `b`. */
export function shuffle(lanes: readonly number[], a: Expr, b: Expr): Expr {
  expect('i8x16.shuffle', a.type, 'v128');
  expect('i8x16.shuffle', b.type, 'v128');
  return {
    type: 'v128',
    emit: (out) => {
      a.emit(out);
      b.emit(out);
      out.push(...SHUFFLE, ...lanes);
    },
    text: () => `(i8x16.shuffle ${lanes.join(' ')} ${a.text()} ${b.text()})`,
  };
}

/** `select(a, b, cond)`: a where cond ≠ 0, else b. */
export function select(a: Expr, b: Expr, cond: Expr): Expr {
  expect('select', b.type, a.type);
  expect('select', cond.type, 'i32');
  return {
    type: a.type,
    emit: (out) => {
      a.emit(out);
      b.emit(out);
      cond.emit(out);
      out.push(0x1b);
    },
    text: () => `(select ${a.text()} ${b.text()} ${cond.text()})`,
  };
}

/** Calls function `index` (an import or a defined function) with its arguments. */
export function call(index: number, result: ValType, label: string, ...args: Expr[]): Expr {
  return {
    type: result,
    emit: (out) => {
      for (const a of args) a.emit(out);
      out.push(0x10, ...uleb(index));
    },
    text: () => `(call $${label} ${args.map((a) => a.text()).join(' ')})`,
  };
}

export function get(local: Local): Expr {
  return {
    type: local.type,
    emit: (out) => out.push(0x20, ...uleb(local.index)),
    text: () => `(local.get ${local.index})`,
  };
}

export function i32(value: number): Expr {
  return {
    type: 'i32',
    emit: (out) => out.push(0x41, ...sleb(value)),
    text: () => `(i32.const ${value | 0})`,
  };
}

export function f32(value: number): Expr {
  return {
    type: 'f32',
    emit: (out) => out.push(0x43, ...f32Bytes(value)),
    text: () => `(f32.const ${Math.fround(value)})`,
  };
}

export function f64(value: number): Expr {
  return {
    type: 'f64',
    emit: (out) => out.push(0x44, ...f64Bytes(value)),
    text: () => `(f64.const ${value})`,
  };
}

/** A v128 constant with the same float32 in every lane. @example `f32x4(0.5)` */
export function f32x4(value: number): Expr {
  const bytes = f32Bytes(value);
  return {
    type: 'v128',
    emit: (out) => out.push(...V128_CONST, ...bytes, ...bytes, ...bytes, ...bytes),
    text: () => `(v128.const f32x4 ${Array(4).fill(Math.fround(value)).join(' ')})`,
  };
}

/** A v128 constant with the same int32 in every lane. @example `i32x4(0x7f)` */
export function i32x4(value: number): Expr {
  const view = new DataView(new ArrayBuffer(4));
  view.setInt32(0, value, true);
  const bytes = [0, 1, 2, 3].map((i) => view.getUint8(i));
  return {
    type: 'v128',
    emit: (out) => out.push(...V128_CONST, ...bytes, ...bytes, ...bytes, ...bytes),
    text: () =>
      `(v128.const i32x4 ${Array(4)
        .fill(value | 0)
        .join(' ')})`,
  };
}

/** A v128 constant with the same float64 in both lanes. */
export function f64x2(value: number): Expr {
  const bytes = f64Bytes(value);
  return {
    type: 'v128',
    emit: (out) => out.push(...V128_CONST, ...bytes, ...bytes),
    text: () => `(v128.const f64x2 ${value} ${value})`,
  };
}
