/**
 * The accuracy contract (issue 15): with unsafe rules excluded, an optimized graph is never further
 * from the exact value than the original. Each case is one of the counterexamples: the original
 * graph, inputs at an edge of the number format, and the value the original computes (which here is
 * also the exact one, rounded). The optimized graph must give the same.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, graphInputs, type Node, parseDecls, parseExpr } from '../../src/graph/index.js';
import { optimize } from '../../src/optimize.js';

interface Case {
  readonly name: string;
  readonly decls: string;
  readonly expr: string;
  readonly inputs: Readonly<Record<string, number | readonly number[]>>;
  /** The value the original computes (the exact one, rounded), bit for bit. */
  readonly expected: readonly number[];
}

const CASES: readonly Case[] = [
  {
    name: 'x / s with a subnormal s (f32): no reciprocal overflow',
    decls: 'x: f32[n]; s: f32',
    expr: 'x / s',
    inputs: { x: [1e-30, 0, 1e-35, 2e-35], s: 1e-40 },
    expected: [1e-30, 0, 1e-35, 2e-35].map((v) => Math.fround(Math.fround(v) / Math.fround(1e-40))),
  },
  {
    name: 'x / s with a subnormal s (f64)',
    decls: 'x: f64[n]; s: f64',
    expr: 'x / s',
    inputs: { x: [1e-300, 0], s: 1e-310 },
    expected: [1e-300 / 1e-310, 0],
  },
  {
    name: 'x / constant subnormal (f32)',
    decls: 'x: f32[n]',
    expr: 'x / 1e-40',
    inputs: { x: [1e-30, 0] },
    expected: [Math.fround(Math.fround(1e-30) / Math.fround(1e-40)), 0],
  },
  {
    name: 'sum(0.5 * x) does not factor into an overflow',
    decls: 'x: f64[n]',
    expr: 'sum(0.5 * x)',
    inputs: { x: [1e308, 1e308] },
    expected: [1e308],
  },
  {
    name: 'x*0.5 + y*0.5 does not factor into an overflow',
    decls: 'x: f64; y: f64',
    expr: 'x * 0.5 + y * 0.5',
    inputs: { x: 1e308, y: 1e308 },
    expected: [1e308],
  },
  {
    name: 'x*y/y at a subnormal y',
    decls: 'x: f64; y: f64',
    expr: 'x * y / y',
    inputs: { x: 3, y: 1e-320 },
    expected: [(3 * 1e-320) / 1e-320],
  },
  {
    name: 'abs(x*x) in i32 wraps as numpy',
    decls: 'x: i32',
    expr: 'abs(x * x)',
    inputs: { x: 46341 },
    expected: [Math.abs(Math.imul(46341, 46341))],
  },
  {
    name: 'sign(x*x + 1) in i32',
    decls: 'x: i32',
    expr: 'sign(x * x + 1)',
    inputs: { x: 46341 },
    expected: [Math.sign((Math.imul(46341, 46341) + 1) | 0)],
  },
  {
    name: 'max(x + 1) in i32',
    decls: 'x: i32[n]',
    expr: 'max(x + 1)',
    inputs: { x: [2147483647, 0] },
    expected: [1],
  },
  {
    name: 'max(2 * x) in i32',
    decls: 'x: i32[n]',
    expr: 'max(2 * x)',
    inputs: { x: [1073741824, 3] },
    expected: [6],
  },
  {
    name: 'sum(x * 2) in i32',
    decls: 'x: i32[n]',
    expr: 'sum(x * 2)',
    inputs: { x: [1073741824, 1073741824] },
    expected: [((1073741824 * 2) | 0) * 2],
  },
  {
    name: 'mean(4 * x) in i32',
    decls: 'x: i32[n]',
    expr: 'mean(4 * x)',
    inputs: { x: [1073741824, 1] },
    expected: [((1073741824 * 4) | 0) / 2 + 2],
  },
  {
    name: 'sigmoid(1 / (0 - x)) at x = 0 keeps the +0',
    decls: 'x: f64',
    expr: 'sigmoid(1 / (0 - x))',
    inputs: { x: 0 },
    expected: [1],
  },
];

function run(c: Case, optimized: boolean): number[] {
  const decls = parseDecls(c.decls);
  const e: Node = parseExpr(c.expr, { vars: decls });
  const out = optimized ? optimize([e], { exclude: ['unsafe'] }).outputs[0] : e;
  const names = graphInputs([out]).map((n) => n.inputName!);
  const inputs = Object.fromEntries(Object.entries(c.inputs).filter(([k]) => names.includes(k)));
  return Array.from(evaluate(out, inputs).data);
}

describe('optimization never makes an answer worse (unsafe rules excluded)', () => {
  it.each(CASES)('$name', (c) => {
    expect(run(c, false)).toEqual(c.expected);
    expect(run(c, true)).toEqual(c.expected);
  });

  it('sign(exp(x)) at x = -800 stays 1, the exact value (the naive float evaluation gives 0)', () => {
    const decls = parseDecls('x: f64');
    const e = parseExpr('sign(exp(x))', { vars: decls });
    const out = optimize([e], { exclude: ['unsafe'] }).outputs[0];
    expect(evaluate(e, { x: -800 }).item()).toBe(0);
    const names = graphInputs([out]).map((n) => n.inputName!);
    expect(evaluate(out, names.includes('x') ? { x: -800 } : {}).item()).toBe(1);
  });
});
