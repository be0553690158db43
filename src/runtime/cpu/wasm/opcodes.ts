/**
 * The instructions the kernel generators use, as data: name → encoding and stack signature. Only the
 * subset Saturn's kernels need (straight-line SIMD loops); the names are the text format's, so the
 * debug printout reads as WebAssembly text.
 */
import { uleb } from './encoding.js';

/** WebAssembly value types. */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

export const VALTYPE_CODE: Record<ValType, number> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
};

/** An instruction without immediates: its bytes, argument types and result type (or none). */
export interface PlainOp {
  readonly code: readonly number[];
  readonly args: readonly ValType[];
  readonly result: ValType | null;
}

const simd = (n: number): number[] => [0xfd, ...uleb(n)];
const sat = (n: number): number[] => [0xfc, ...uleb(n)];

const un = (code: number[], a: ValType, r: ValType): PlainOp => ({ code, args: [a], result: r });
const bin = (code: number[], a: ValType, r: ValType = a): PlainOp => ({ code, args: [a, a], result: r });
const V = 'v128';

/** Instructions with no immediates. */
export const PLAIN = {
  'i32.eqz': un([0x45], 'i32', 'i32'),
  'i32.eq': bin([0x46], 'i32'),
  'i32.ne': bin([0x47], 'i32'),
  'i32.lt_s': bin([0x48], 'i32'),
  'i32.lt_u': bin([0x49], 'i32'),
  'i32.gt_s': bin([0x4a], 'i32'),
  'i32.le_s': bin([0x4c], 'i32'),
  'i32.ge_s': bin([0x4e], 'i32'),
  'i32.ge_u': bin([0x4f], 'i32'),
  'f32.eq': bin([0x5b], 'f32', 'i32'),
  'f32.ne': bin([0x5c], 'f32', 'i32'),
  'f32.lt': bin([0x5d], 'f32', 'i32'),
  'f32.gt': bin([0x5e], 'f32', 'i32'),
  'f32.le': bin([0x5f], 'f32', 'i32'),
  'f32.ge': bin([0x60], 'f32', 'i32'),
  'f64.eq': bin([0x61], 'f64', 'i32'),
  'f64.ne': bin([0x62], 'f64', 'i32'),
  'f64.lt': bin([0x63], 'f64', 'i32'),
  'f64.gt': bin([0x64], 'f64', 'i32'),
  'f64.le': bin([0x65], 'f64', 'i32'),
  'f64.ge': bin([0x66], 'f64', 'i32'),
  'i32.add': bin([0x6a], 'i32'),
  'i32.sub': bin([0x6b], 'i32'),
  'i32.mul': bin([0x6c], 'i32'),
  'i32.div_s': bin([0x6d], 'i32'),
  'i32.div_u': bin([0x6e], 'i32'),
  'i32.rem_s': bin([0x6f], 'i32'),
  'i32.rem_u': bin([0x70], 'i32'),
  'i32.and': bin([0x71], 'i32'),
  'i32.or': bin([0x72], 'i32'),
  'i32.xor': bin([0x73], 'i32'),
  'i32.shl': bin([0x74], 'i32'),
  'i32.shr_s': bin([0x75], 'i32'),
  'i32.shr_u': bin([0x76], 'i32'),
  'f32.abs': un([0x8b], 'f32', 'f32'),
  'f32.neg': un([0x8c], 'f32', 'f32'),
  'f32.ceil': un([0x8d], 'f32', 'f32'),
  'f32.floor': un([0x8e], 'f32', 'f32'),
  'f32.trunc': un([0x8f], 'f32', 'f32'),
  'f32.nearest': un([0x90], 'f32', 'f32'),
  'f32.sqrt': un([0x91], 'f32', 'f32'),
  'f32.add': bin([0x92], 'f32'),
  'f32.sub': bin([0x93], 'f32'),
  'f32.mul': bin([0x94], 'f32'),
  'f32.div': bin([0x95], 'f32'),
  'f32.min': bin([0x96], 'f32'),
  'f32.max': bin([0x97], 'f32'),
  'f64.abs': un([0x99], 'f64', 'f64'),
  'f64.neg': un([0x9a], 'f64', 'f64'),
  'f64.ceil': un([0x9b], 'f64', 'f64'),
  'f64.floor': un([0x9c], 'f64', 'f64'),
  'f64.trunc': un([0x9d], 'f64', 'f64'),
  'f64.nearest': un([0x9e], 'f64', 'f64'),
  'f64.sqrt': un([0x9f], 'f64', 'f64'),
  'f64.add': bin([0xa0], 'f64'),
  'f64.sub': bin([0xa1], 'f64'),
  'f64.mul': bin([0xa2], 'f64'),
  'f64.div': bin([0xa3], 'f64'),
  'f64.min': bin([0xa4], 'f64'),
  'f64.max': bin([0xa5], 'f64'),
  'f32.convert_i32_s': un([0xb2], 'i32', 'f32'),
  'f32.demote_f64': un([0xb6], 'f64', 'f32'),
  'f64.convert_i32_s': un([0xb7], 'i32', 'f64'),
  'f64.promote_f32': un([0xbb], 'f32', 'f64'),
  'i32.reinterpret_f32': un([0xbc], 'f32', 'i32'),
  'f32.reinterpret_i32': un([0xbe], 'i32', 'f32'),
  'i32.trunc_sat_f32_s': un(sat(0), 'f32', 'i32'),
  'i32.trunc_sat_f64_s': un(sat(2), 'f64', 'i32'),
  'i32x4.splat': un(simd(17), 'i32', V),
  'f32x4.splat': un(simd(19), 'f32', V),
  'f64x2.splat': un(simd(20), 'f64', V),
  'i32x4.eq': bin(simd(55), V),
  'i32x4.ne': bin(simd(56), V),
  'i32x4.gt_s': bin(simd(59), V),
  'f32x4.eq': bin(simd(65), V),
  'f32x4.ne': bin(simd(66), V),
  'f32x4.lt': bin(simd(67), V),
  'f32x4.gt': bin(simd(68), V),
  'f32x4.le': bin(simd(69), V),
  'f32x4.ge': bin(simd(70), V),
  'v128.not': un(simd(77), V, V),
  'v128.and': bin(simd(78), V),
  'v128.andnot': bin(simd(79), V),
  'v128.or': bin(simd(80), V),
  'v128.xor': bin(simd(81), V),
  'v128.bitselect': { code: simd(82), args: [V, V, V], result: V },
  'v128.any_true': un(simd(83), V, 'i32'),
  'i32x4.bitmask': un(simd(164), V, 'i32'),
  'f64x2.promote_low_f32x4': un(simd(95), V, V),
  'f32x4.demote_f64x2_zero': un(simd(94), V, V),
  'f32x4.ceil': un(simd(103), V, V),
  'f32x4.floor': un(simd(104), V, V),
  'f32x4.trunc': un(simd(105), V, V),
  'f32x4.nearest': un(simd(106), V, V),
  'i16x8.narrow_i32x4_u': bin(simd(134), V),
  'i8x16.narrow_i16x8_u': bin(simd(102), V),
  'i16x8.extend_low_i8x16_u': un(simd(137), V, V),
  'i32x4.extend_low_i16x8_u': un(simd(169), V, V),
  'i32x4.shl': { code: simd(171), args: [V, 'i32'], result: V },
  'i32x4.shr_s': { code: simd(172), args: [V, 'i32'], result: V },
  'i32x4.shr_u': { code: simd(173), args: [V, 'i32'], result: V },
  'i32x4.add': bin(simd(174), V),
  'i32x4.sub': bin(simd(177), V),
  'i32x4.mul': bin(simd(181), V),
  'i32x4.min_s': bin(simd(182), V),
  'i32x4.max_s': bin(simd(184), V),
  'f32x4.abs': un(simd(224), V, V),
  'f32x4.neg': un(simd(225), V, V),
  'f32x4.sqrt': un(simd(227), V, V),
  'f32x4.add': bin(simd(228), V),
  'f32x4.sub': bin(simd(229), V),
  'f32x4.mul': bin(simd(230), V),
  'f32x4.div': bin(simd(231), V),
  'f32x4.min': bin(simd(232), V),
  'f32x4.max': bin(simd(233), V),
  'f32x4.pmin': bin(simd(234), V),
  'f32x4.pmax': bin(simd(235), V),
  'f64x2.add': bin(simd(240), V),
  'f64x2.sub': bin(simd(241), V),
  'f64x2.mul': bin(simd(242), V),
  'i32x4.trunc_sat_f32x4_s': un(simd(248), V, V),
  'f32x4.convert_i32x4_s': un(simd(250), V, V),
  'f32x4.relaxed_madd': { code: simd(0x105), args: [V, V, V], result: V },
} satisfies Record<string, PlainOp>;

export type PlainOpName = keyof typeof PLAIN;

/** A memory access: its bytes, natural alignment (log2), and the value type moved. */
export interface MemOp {
  readonly code: readonly number[];
  readonly align: number;
  readonly type: ValType;
}

/** Loads (address → value). */
export const LOADS = {
  'i32.load': { code: [0x28], align: 2, type: 'i32' },
  'f32.load': { code: [0x2a], align: 2, type: 'f32' },
  'f64.load': { code: [0x2b], align: 3, type: 'f64' },
  'i32.load8_u': { code: [0x2d], align: 0, type: 'i32' },
  'v128.load': { code: simd(0), align: 4, type: V },
  'v128.load32_splat': { code: simd(9), align: 2, type: V },
  'v128.load32_zero': { code: simd(92), align: 2, type: V },
  'v128.load64_zero': { code: simd(93), align: 3, type: V },
} satisfies Record<string, MemOp>;

/** Stores (address, value →). */
export const STORES = {
  'i32.store': { code: [0x36], align: 2, type: 'i32' },
  'f32.store': { code: [0x38], align: 2, type: 'f32' },
  'f64.store': { code: [0x39], align: 3, type: 'f64' },
  'i32.store8': { code: [0x3a], align: 0, type: 'i32' },
  'v128.store': { code: simd(11), align: 4, type: V },
} satisfies Record<string, MemOp>;

export type LoadName = keyof typeof LOADS;
export type StoreName = keyof typeof STORES;

/** Lane instructions: an immediate lane index after the opcode. */
export const LANES = {
  'i32x4.extract_lane': { code: simd(27), args: [V], result: 'i32' },
  'f32x4.extract_lane': { code: simd(31), args: [V], result: 'f32' },
  'f32x4.replace_lane': { code: simd(32), args: [V, 'f32'], result: V },
  'f64x2.extract_lane': { code: simd(33), args: [V], result: 'f64' },
  'i32x4.replace_lane': { code: simd(28), args: [V, 'i32'], result: V },
} satisfies Record<string, PlainOp>;

export type LaneName = keyof typeof LANES;

export const SHUFFLE = simd(13);
export const V128_CONST = simd(12);
