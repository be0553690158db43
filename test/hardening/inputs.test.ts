/**
 * Bad inputs to optimized graphs and to the CLI: typed errors with messages that name the input.
 * (test/graph/interpret.test.ts covers the interpreter on graphs as built; these are graphs after
 * optimize, whose inputs may have been dropped or reordered, and the check-equivalence command.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DTypeError, evaluate, InputError, type InputValues, ShapeError, T } from '../../src/graph/index.js';
import { optimize } from '../../src/optimize.js';
import { defaultLibrary } from '../../src/rules/load.js';

const x = T.tensor('x', 'f64', ['n', 3]);
const w = T.tensor('w', 'f64', [3]);
const unused = T.tensor('u', 'f64', ['n']);
// u * 0 is folded away by the (unsafe) mul-zero rule: the optimized graph no longer takes u.
const y = T.add(T.log(T.add(1, T.exp(T.dot(x, w)))), T.mul(unused, 0));
const { outputs } = optimize([y], { library: defaultLibrary() });
const [opt] = outputs;
const good = { x: [[1, 2, 3]], w: [1, 1, 1] };

function error(values: InputValues): Error {
  try {
    evaluate(opt, values);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('inputs of an optimized graph', () => {
  it('is optimized and takes fewer inputs', () => {
    expect(evaluate(opt, good).shape).toEqual([1]);
  });

  it.each([
    ['a missing input', { x: good.x }, InputError, "missing value for input 'w' (f64[3])"],
    ['an input the optimized graph dropped', { ...good, u: [1] }, InputError, "unknown input 'u'"],
    [
      'a mis-shaped input',
      { x: good.x, w: [1, 2] },
      ShapeError,
      "input 'w': got shape [2] where [3] is expected",
    ],
    [
      'flat data that fits no shape',
      { x: [1, 2], w: good.w },
      InputError,
      "input 'x': cannot tell the shape [n, 3]",
    ],
    [
      'a wrong rank',
      { x: [[[1, 2, 3]]], w: good.w },
      ShapeError,
      "input 'x': got shape [1, 1, 3] where [n, 3] is expected (rank differs)",
    ],
    [
      'a wrongly typed tensor',
      { x: good.x, w: new Int32Array([1, 2, 3]) },
      InputError,
      "input 'w': expected f64 data, got a Int32Array",
    ],
    [
      'a non-numeric element',
      { x: [[1, 'a', 3]], w: good.w },
      InputError,
      'input \'x\': element "a" is not a number',
    ],
    ['a ragged array', { x: [[1, 2, 3], [1]], w: good.w }, InputError, "input 'x': ragged nested array"],
  ])('%s', (_what, values, type, message) => {
    const e = error(values as InputValues);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toContain(message);
  });
});

describe('construction', () => {
  it.each([
    [
      'add of [n, 3] and [4]',
      () => T.add(x, T.tensor('v', 'f64', [4])),
      ShapeError,
      'add: cannot broadcast shapes [n, 3] and [4]',
    ],
    ['dot of [3] and [4]', () => T.dot(w, T.tensor('v', 'f64', [4])), ShapeError, 'dot'],
    [
      'dot of booleans',
      () => T.dot(T.tensor('b', 'bool', [3]), T.tensor('c', 'bool', [3])),
      DTypeError,
      'dot',
    ],
    ['an unknown dtype', () => T.tensor('q', 'q64' as never, [3]), DTypeError, "unknown dtype 'q64'"],
  ])('%s', (_what, build, type, message) => {
    expect(build).toThrow(type);
    expect(build).toThrow(message);
  });
});

describe('the CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(...argv: string[]): Promise<{ code: number; err: string }> {
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
    return { code: await main(argv), err: err.join('\n') };
  }

  it.each([
    [['check-equivalence', 'x', '--var', 'x:f64[2]=[[1,2]]'], /input 'x'|shape/],
    [['check-equivalence', 'x', '--var', 'x:i32[2]=1.5,2'], /1\.5 is not a valid i32 value/],
    [['check-equivalence', 'x', '--var', 'x:f64[2]=1,abc'], /'abc' is not a number/],
    [['check-equivalence', 'x', '--var', 'x:f64[', '--runs', '3'], /line 1, col/],
    [['check-equivalence', 'dot(x, y)', '--var', 'x:f64[2]', '--var', 'y:f64[3]'], /dot/],
  ])('%j exits 2 with a message', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^saturn check-equivalence: /);
    expect(r.err).toMatch(message);
  });
});
