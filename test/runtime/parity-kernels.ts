/**
 * Kernel-by-kernel parity: small graphs that lower to each kernel kind, on random shapes (broadcast,
 * size-1 and size-0 dims, scalars, odd sizes) and random values, run fused and unfused with poisoned
 * memory, against the reference interpreter. Part of {@link describeExecutorParity}.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { apply } from '../../src/graph/apply.js';
import type { DType } from '../../src/graph/dtype.js';
import { SaturnError } from '../../src/graph/errors.js';
import { evaluate } from '../../src/graph/interpret.js';
import type { Node } from '../../src/graph/node.js';
import { BINARY_NAMES, UNARY_NAMES } from '../../src/graph/ops/elementwise.js';
import { sizeOf } from '../../src/graph/shape.js';
import { Tensor } from '../../src/graph/tensor.js';
import { graphInputs, topoSort } from '../../src/graph/topo.js';
import type { Executor } from '../../src/runtime/executor.js';
import { arbBroadcastPair, arbGraph, arbShape, arbTensor } from '../../src/testing/index.js';
import { mismatch, type ParityOptions, runOnExecutor, runsEveryDType, toleranceOf } from './run-program.js';

let counter = 0;
/** A fresh input name: hash-consing would otherwise share inputs between cases. */
const fresh = (prefix: string) => `${prefix}${counter++}`;

/** A graph case: outputs and the values of their inputs. */
interface Case {
  readonly outputs: readonly Node[];
  readonly values: Readonly<Record<string, Tensor>>;
  /** Run only if every value the reference computes is finite (see ParityOptions.finiteOnly). */
  readonly finiteOnly?: boolean;
}

/**
 * Runs cases on one executor and counts those it could run, so a property whose every case was
 * skipped (a dtype the executor lacks) fails instead of passing vacuously.
 */
function parityChecker(executor: Executor, options: ParityOptions) {
  let ran = 0;
  const check = async (c: Case) => {
    if (await expectParity(executor, c, options)) ran++;
    // A case the executor cannot run (or, with finiteOnly, one that leaves the finite values) is
    // discarded and another drawn, so a property with few runs (WebGPU's shaders are slow to build)
    // still compares as many cases as it asks for.
    else fc.pre(false);
  };
  const supported = options.dtypes ?? executor.capabilities.dtypes;
  return Object.assign(check, {
    /** The dtypes of `list` the executor runs: properties draw only these. */
    among: (list: readonly DType[]) => list.filter((d) => supported.includes(d)),
    expectSomeRan: () => expect(ran, 'cases the executor could run').toBeGreaterThan(0),
  });
}

/** Runs a case fused and unfused (poisoned) and compares every output with the reference; false if skipped. */
async function expectParity(executor: Executor, c: Case, options: ParityOptions): Promise<boolean> {
  if (!runsEveryDType(executor, c.outputs, options)) return false;
  // Only the inputs the outputs read: evaluate refuses values for others.
  const values = Object.fromEntries(
    graphInputs(c.outputs).map((n) => {
      const value = c.values[n.inputName!];
      return [n.inputName!, options.flushSubnormals ? flushSubnormals(value) : value];
    }),
  );
  if (c.finiteOnly && !finiteThroughout(c.outputs, values)) return false;
  const reference = evaluate(c.outputs, values);
  for (const fuse of [true, false]) {
    const ran = await runOnExecutor(
      executor,
      { outputs: c.outputs, params: [], updates: [], sizes: new Map() },
      values,
      { fuse, poison: true },
    );
    reference.forEach((expected, i) => {
      const problem = mismatch(ran.outputs[i], expected, toleranceOf(expected.dtype, options), 1);
      expect(problem, `${fuse ? 'fused' : 'unfused'} output ${i}`).toBeUndefined();
    });
  }
  return true;
}

/**
 * Builds a graph; where the op table refuses the combination (e.g. `-` on bools) the case is discarded
 * and another drawn, as for cases the executor cannot run: with WebGPU's 6 runs, refused builds alone
 * could leave a property with nothing compared.
 */
function tryBuild(build: () => Node[]): Node[] | undefined {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof SaturnError)) throw e;
    fc.pre(false);
    return undefined;
  }
}

/** The smallest normal float32: below it (in magnitude) a value is subnormal. */
const MIN_NORMAL_F32 = 2 ** -126;

/** An f32 tensor with its subnormal values replaced by zero of the same sign (others as they are). */
function flushSubnormals(t: Tensor): Tensor {
  if (t.dtype !== 'f32' || !t.data.some((x) => x !== 0 && Math.abs(x) < MIN_NORMAL_F32)) return t;
  const flushed = t.data.map((x) =>
    Math.abs(x) < MIN_NORMAL_F32 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : x,
  );
  return Tensor.wrap(flushed, t.shape, t.dtype);
}

/** Whether every value the reference computes for the outputs, inputs included, is finite. */
function finiteThroughout(outputs: readonly Node[], values: Readonly<Record<string, Tensor>>): boolean {
  return evaluate(topoSort(outputs), values).every((t) => t.data.every(Number.isFinite));
}

const DTYPES: DType[] = ['f32', 'f64', 'i32', 'bool'];
const FLOATS: DType[] = ['f32', 'f64'];
const shapeAny = { maxRank: 3, minDim: 0, maxDim: 5 } as const;

/** An input named freshly, with a random value of its dtype and shape. */
function arbInput(dtype: DType, shape: readonly number[], domain = { min: -3, max: 3 }) {
  const name = fresh('v');
  return arbTensor(dtype, shape, domain).map((value) => ({ node: T.tensor(name, dtype, [...shape]), value }));
}

export function describeKernelParity(
  makeExecutor: () => Executor | Promise<Executor>,
  options: ParityOptions = {},
): void {
  const RUNS = { numRuns: options.numRuns ?? 40 };
  describe('kernels', () => {
    it('elementwise: unary ∘ binary over broadcast shapes, every dtype', async () => {
      const check = parityChecker(await makeExecutor(), options);
      const arb = fc
        .record({
          shapes: arbBroadcastPair(shapeAny),
          dtype: fc.constantFrom(...check.among(DTYPES)),
          unary: fc.constantFrom(...UNARY_NAMES),
          binary: fc.constantFrom(...BINARY_NAMES),
        })
        .chain(({ shapes, dtype, unary, binary }) =>
          fc.record({
            x: arbInput(dtype, shapes[0]),
            y: arbInput(dtype, shapes[1]),
            unary: fc.constant(unary),
            binary: fc.constant(binary),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ x, y, unary, binary }) => {
          const outputs = tryBuild(() => {
            const b = apply(binary, [x.node, y.node]);
            return [apply(unary, [b]), b];
          });
          if (outputs)
            await check({
              outputs,
              values: { [x.node.inputName!]: x.value, [y.node.inputName!]: y.value },
            });
        }),
        RUNS,
      );
      check.expectSomeRan();
    });

    it('elementwise: switch and cast between dtypes', async () => {
      const check = parityChecker(await makeExecutor(), options);
      const arb = fc
        .record({
          shapes: arbBroadcastPair(shapeAny),
          from: fc.constantFrom(...check.among(DTYPES)),
          to: fc.constantFrom(...check.among(DTYPES)),
        })
        .chain(({ shapes, from, to }) =>
          fc.record({
            x: arbInput(from, shapes[0], { min: -1e10, max: 1e10 }),
            y: arbInput('f32', shapes[1]),
            to: fc.constant(to),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ x, y, to }) => {
          const outputs = [T.cast(x.node, to), T.switch(T.gt(x.node, 0), T.cast(x.node, to), y.node)];
          await check({
            outputs,
            values: { [x.node.inputName!]: x.value, [y.node.inputName!]: y.value },
          });
        }),
        RUNS,
      );
      check.expectSomeRan();
    });

    it('reductions over any axes, keepdims, with a fused producer and epilogue', async () => {
      const check = parityChecker(await makeExecutor(), options);
      const ops = ['sum', 'prod', 'max', 'min', 'mean', 'all', 'any', 'logsumexp'];
      const arb = fc
        .record({
          shape: arbShape(shapeAny),
          dtype: fc.constantFrom(...check.among(DTYPES)),
          op: fc.constantFrom(...ops),
          keepdims: fc.boolean(),
        })
        .chain(({ shape, dtype, op, keepdims }) =>
          fc.record({
            x: arbInput(dtype, shape),
            axes: fc.option(fc.subarray(shape.map((_, i) => i)), { nil: null }),
            op: fc.constant(op),
            keepdims: fc.constant(keepdims),
            shifted: fc.boolean(),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ x, axes, op, keepdims, shifted }) => {
          const outputs = tryBuild(() => {
            const input = shifted ? T.exp(T.sub(x.node, 1)) : x.node;
            return [apply(op, [input], { axis: axes, keepdims })];
          });
          if (outputs) await check({ outputs, values: { [x.node.inputName!]: x.value } });
        }),
        RUNS,
      );
      check.expectSomeRan();
    });

    it('softmax and log_softmax along any axis', async () => {
      const check = parityChecker(await makeExecutor(), options);
      const arb = fc
        .record({
          shape: arbShape({ ...shapeAny, minRank: 1 }),
          dtype: fc.constantFrom(...check.among([...FLOATS, 'i32'])),
          op: fc.constantFrom('softmax', 'log_softmax'),
        })
        .chain(({ shape, dtype, op }) =>
          fc.record({
            x: arbInput(dtype, shape),
            axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
            op: fc.constant(op),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ x, axis, op }) => {
          const outputs = [apply(op, [x.node.mul(2)], { axis })];
          await check({ outputs, values: { [x.node.inputName!]: x.value } });
        }),
        RUNS,
      );
      check.expectSomeRan();
    });

    it('argmax and argmin along any axis or flattened: ties, NaN, ±Inf, size-1 axes, strided inputs', async () => {
      const check = parityChecker(await makeExecutor(), options);
      // Few distinct values, so lanes hold ties; NaN and ±Inf where the dtype has them.
      const special = [0, -0, 1, -1, 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      const arb = fc
        .record({
          shape: arbShape({ ...shapeAny, minDim: 1 }),
          dtype: fc.constantFrom(...check.among([...FLOATS, 'i32'])),
          op: fc.constantFrom('argmax', 'argmin'),
          keepdims: fc.boolean(),
          producer: fc.constantFrom('none', 'transpose', 'neg'),
        })
        .chain(({ shape, dtype, ...rest }) =>
          fc.record({
            data: fc.array(fc.constantFrom(...special), {
              minLength: sizeOf(shape),
              maxLength: sizeOf(shape),
            }),
            // A scalar has only the flattened reading.
            axis: shape.length
              ? fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: null })
              : fc.constant(null),
            spec: fc.constant({ shape, dtype, ...rest }),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ data, axis, spec }) => {
          const name = fresh('v');
          const x = T.tensor(name, spec.dtype, spec.shape);
          const input =
            spec.producer === 'transpose' ? T.transpose(x) : spec.producer === 'neg' ? T.neg(x) : x;
          const outputs = [apply(spec.op, [input], { axis, keepdims: spec.keepdims })];
          await check({ outputs, values: { [name]: Tensor.from(data, spec.shape, spec.dtype) } });
        }),
        // Four shaders at most (op × dtype) whatever the shapes, so slow-to-compile executors can
        // afford the runs that NaN placements and ties need.
        { numRuns: Math.max(RUNS.numRuns, 30) },
      );
      check.expectSomeRan();
    });

    it('dot (1-D and 2-D, transposed operands) with a fused epilogue, and gemm', async () => {
      const check = parityChecker(await makeExecutor(), options);
      const dim = fc.integer({ min: 0, max: 6 });
      const arb = fc
        .record({
          m: dim,
          k: dim,
          n: dim,
          ranks: fc.constantFrom<[number, number][]>([1, 1], [2, 1], [1, 2], [2, 2]),
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          dtype: fc.constantFrom(...check.among([...FLOATS, 'i32'])),
          gemm: fc.boolean(),
        })
        .chain((s) => {
          const [ra, rb] = s.ranks;
          const aShape = ra === 1 ? [s.k] : s.transposeA ? [s.k, s.m] : [s.m, s.k];
          const bShape = rb === 1 ? [s.k] : s.transposeB ? [s.n, s.k] : [s.k, s.n];
          const outShape = [...(ra === 2 ? [s.m] : []), ...(rb === 2 ? [s.n] : [])];
          return fc.record({
            a: arbInput(s.dtype, aShape),
            b: arbInput(s.dtype, bShape),
            z: arbInput(s.dtype, outShape),
            alpha: arbInput(s.dtype, []),
            spec: fc.constant(s),
          });
        });
      await fc.assert(
        fc.asyncProperty(arb, async ({ a, b, z, alpha, spec }) => {
          const an = spec.ranks[0] === 2 && spec.transposeA ? T.transpose(a.node) : a.node;
          const bn = spec.ranks[1] === 2 && spec.transposeB ? T.transpose(b.node) : b.node;
          const product = spec.gemm ? apply('gemm', [z.node, alpha.node, an, bn, alpha.node]) : T.dot(an, bn);
          const outputs = [T.relu(T.add(product, z.node)), T.dot(an, bn)];
          const values = {
            [a.node.inputName!]: a.value,
            [b.node.inputName!]: b.value,
            [z.node.inputName!]: z.value,
            [alpha.node.inputName!]: alpha.value,
          };
          await check({ outputs, values });
        }),
        RUNS,
      );
      check.expectSomeRan();
    });

    it('layout ops as views: transpose, reshape, broadcast_to, expand_dims, squeeze, slice with steps', async () => {
      const check = parityChecker(await makeExecutor(), options);
      const arb = fc
        .record({
          shape: arbShape({ ...shapeAny, minRank: 1 }),
          dtype: fc.constantFrom(...check.among(DTYPES)),
        })
        .chain(({ shape, dtype }) =>
          fc.record({
            x: arbInput(dtype, shape),
            perm: fc.shuffledSubarray(
              shape.map((_, i) => i),
              { minLength: shape.length, maxLength: shape.length },
            ),
            begin: fc.array(fc.integer({ min: -6, max: 6 }), { maxLength: shape.length }),
            end: fc.array(fc.option(fc.integer({ min: -6, max: 6 }), { nil: null }), {
              maxLength: shape.length,
            }),
            step: fc.array(fc.constantFrom(1, 2, 3, -1, -2), { maxLength: shape.length }),
            lead: fc.integer({ min: 1, max: 3 }),
            exp: fc.boolean(),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ x, perm, begin, end, step, lead, exp }) => {
          const source = exp && x.node.dtype !== 'bool' ? T.neg(x.node) : x.node;
          const t = T.transpose(source, perm);
          const size = x.value.size;
          const outputs = [
            t,
            T.reshape(t, [size]),
            apply('broadcast_to', [t], { shape: [lead, ...t.shape] }),
            apply('squeeze', [apply('expand_dims', [t], { axis: 0 })]),
            apply('slice', [t], { begin, end, step }),
            T.add(apply('slice', [source], { begin, end, step }), 1),
          ];
          await check({ outputs, values: { [x.node.inputName!]: x.value } });
        }),
        RUNS,
      );
      check.expectSomeRan();
    });

    it('concat along any axis and slice_update', async () => {
      const check = parityChecker(await makeExecutor(), options);
      const arb = fc
        .record({
          shape: arbShape({ ...shapeAny, minRank: 1 }),
          dtype: fc.constantFrom(...check.among(DTYPES)),
          parts: fc.integer({ min: 1, max: 3 }),
        })
        .chain(({ shape, dtype, parts }) =>
          fc.record({
            axis: fc.integer({ min: 0, max: shape.length - 1 }),
            xs: fc.tuple(...Array.from({ length: parts }, () => arbInput(dtype, shape))),
            begin: fc.array(fc.integer({ min: -6, max: 6 }), { maxLength: shape.length }),
            end: fc.array(fc.option(fc.integer({ min: -6, max: 6 }), { nil: null }), {
              maxLength: shape.length,
            }),
            step: fc.array(fc.constantFrom(1, 2, -1, -3), { maxLength: shape.length }),
            v: arbInput('f32', []),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ axis, xs, begin, end, step, v }) => {
          const outputs = tryBuild(() => [
            apply(
              'concat',
              xs.map((x) => x.node),
              { axis },
            ),
            apply('slice_update', [xs[0].node, v.node], { begin, end, step }),
          ]);
          const values = Object.fromEntries([...xs, v].map((x) => [x.node.inputName!, x.value]));
          if (outputs) await check({ outputs, values });
        }),
        RUNS,
      );
      check.expectSomeRan();
    });

    for (const dtype of FLOATS)
      it(`random graphs over the whole op table (${dtype})`, async () => {
        const check = parityChecker(await makeExecutor(), options);
        if (check.among([dtype]).length === 0) return;
        await fc.assert(
          fc.asyncProperty(arbGraph({ maxSteps: 8, maxRank: 3, maxDim: 4, dtype }), async (g) => {
            await check({ outputs: [g.output], values: g.values, finiteOnly: options.finiteOnly });
          }),
          { numRuns: Math.round(RUNS.numRuns * 1.5) },
        );
        check.expectSomeRan();
      });
  });
}
