import { describe, expect, test } from 'vitest';
import {
  exprGrammarSource,
  formatDecls,
  formatExpr,
  INFIX_OPS,
  type Node,
  OPS,
  parseDecls,
  parseExpr,
  parseExprs,
  parseSource,
  SourceError,
  T,
} from '../../src/graph/index.js';

const VARS = 'x: f32[n]; y: f32[n]; a: f64; b: f64; m: f32[n, 3]';
const v = parseDecls(VARS);
const x = v.x;
const y = v.y;
const a = v.a;
const b = v.b;
const m = v.m;
const parse = (source: string) => parseExpr(source, { vars: VARS });

/** The message a source fails with. */
function errorOf(source: string, vars: string = VARS): string {
  try {
    parseExpr(source, { vars });
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return (e as Error).message;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('precedence and associativity', () => {
  // source ⇒ formatted, and the node it must build
  const table: [string, string, Node][] = [
    ['x + y * 2', 'x + y * 2', T.add(x, T.mul(y, 2))],
    ['(x + y) * 2', '(x + y) * 2', T.mul(T.add(x, y), 2)],
    ['a - b - a', 'a - b - a', T.sub(T.sub(a, b), a)],
    ['(a - b) - a', 'a - b - a', T.sub(T.sub(a, b), a)],
    ['a - (b - a)', 'a - (b - a)', T.sub(a, T.sub(b, a))],
    ['a / b * a', 'a / b * a', T.mul(T.div(a, b), a)],
    ['a / (b * a)', 'a / (b * a)', T.div(a, T.mul(b, a))],
    ['a // b % a', 'a // b % a', T.mod(T.int_div(a, b), a)],
    ['a ** b ** a', 'a ** b ** a', T.pow(a, T.pow(b, a))],
    ['(a ** b) ** a', '(a ** b) ** a', T.pow(T.pow(a, b), a)],
    ['-x**2', '-x ** 2', T.neg(T.pow(x, 2))],
    ['(-x)**2', '(-x) ** 2', T.pow(T.neg(x), 2)],
    ['-x * y', '-x * y', T.mul(T.neg(x), y)],
    ['x * -y', 'x * -y', T.mul(x, T.neg(y))],
    ['2 ** -a', '2 ** -a', T.pow(2, T.neg(a))],
    ['a ** -b ** a', 'a ** -b ** a', T.pow(a, T.neg(T.pow(b, a)))],
    ['--x', '--x', T.neg(T.neg(x))],
    ['-(x + y)', '-(x + y)', T.neg(T.add(x, y))],
    ['x < y + 1', 'x < y + 1', T.lt(x, T.add(y, 1))],
    ['(x < y) == (y >= x)', 'x < y == (y >= x)', T.eq(T.lt(x, y), T.ge(y, x))],
    ['x != y', 'x != y', T.neq(x, y)],
    ['a <= b', 'a <= b', T.le(a, b)],
    ['x > 0', 'x > 0', T.gt(x, 0)],
    // A `-` before a bare literal folds into it; `-(2)` is the op neg.
    ['-2', '-2', T.constant(-2)],
    ['-(2)', '-(2)', T.neg(T.constant(2))],
    ['-2 ** 2', '-2 ** 2', T.neg(T.pow(T.constant(2), 2))],
    ['(-2) ** a', '(-2) ** a', T.pow(-2, a)],
    ['x - -2', 'x - -2', T.sub(x, -2)],
    ['-2 * x', '-2 * x', T.mul(-2, x)],
    ['exp(x) * log(y)', 'exp(x) * log(y)', T.mul(T.exp(x), T.log(y))],
    ['sum(m, axis=1, keepdims=true)', 'sum(m, axis=1, keepdims=true)', T.sum(m, { axis: 1, keepdims: true })],
    ['sum(m, axis=[0, 1])', 'sum(m)', T.sum(m)],
    ['sum(m, axis=-1, keepdims=false)', 'sum(m, axis=1)', T.sum(m, { axis: 1 })],
    ['transpose(m, perm=[1, 0])', 'transpose(m)', T.transpose(m)],
    ['reshape(m, shape=[3, n])', 'reshape(m, shape=[3, n])', T.reshape(m, [3, 'n'])],
    ['concat(m, m, axis=1)', 'concat(m, m, axis=1)', T.concat([m, m], 1)],
    [
      'slice(m, begin=[0, 1], end=[null, 3])',
      'slice(m, begin=[0, 1], end=[null, 3])',
      T.slice(m, { begin: [0, 1], end: [null, 3] }),
    ],
    ['cast(x, dtype=f64)', 'cast(x, dtype=f64)', T.cast(x, 'f64')],
    ['zeros(shape=[n, 3], dtype=f32)', 'zeros(shape=[n, 3], dtype=f32)', T.zeros(['n', 3], 'f32')],
    ['1.5e3 + a', '1500 + a', T.add(1500, a)],
    ['inf * a', 'inf * a', T.mul(Infinity, a)],
    ['nan', 'nan', T.constant(Number.NaN)],
    ['-inf', '-inf', T.constant(-Infinity)],
  ];
  test.each(table)('%s ⇒ %s', (source, formatted, node) => {
    expect(parse(source)).toBe(node);
    expect(formatExpr(node)).toBe(formatted);
  });

  test('comparisons are left-associative, not chained', () => {
    expect(parse('a < b < a')).toBe(T.lt(T.lt(a, b), a));
  });

  test('the grammar lists every infix symbol of the op table', () => {
    const listed = /infixOp \(an operator\) = (.*)/.exec(exprGrammarSource)![1];
    for (const symbol of INFIX_OPS.keys()) expect(listed).toContain(JSON.stringify(symbol));
  });
});

describe('literals and constants', () => {
  test('a literal takes the dtype of the nodes beside it (weak scalars)', () => {
    expect(parse('x * 2').args[1].dtype).toBe('f32');
    expect(parse('2').dtype).toBe('i64');
    expect(parse('2.5').dtype).toBe('f64');
  });
  test('constants that the weak rule would not give back print as calls', () => {
    const c = T.mul(x, T.constant(2, 'f64'));
    expect(formatExpr(c)).toBe('x * constant(2, dtype=f64)');
    expect(parse(formatExpr(c))).toBe(c);
    const matrix = T.constant(
      [
        [1, 2],
        [3, 4],
      ],
      'f32',
    );
    expect(formatExpr(matrix)).toBe('constant([[1, 2], [3, 4]], dtype=f32)');
    expect(parse(formatExpr(matrix))).toBe(matrix);
    const empty = T.constant([], 'f32', [0, 3]);
    expect(formatExpr(empty)).toBe('constant([], dtype=f32, shape=[0, 3])');
    expect(parse(formatExpr(empty))).toBe(empty);
  });
  test('-0, 1e400 (infinity) and 5e-324 survive', () => {
    expect(formatExpr(T.constant(-0, 'f32'))).toBe('constant(-0, dtype=f32)');
    expect(parse('constant(-0, dtype=f32)')).toBe(T.constant(-0, 'f32'));
    expect(parse(formatExpr(T.constant(-0, 'f64')))).toBe(T.constant(-0, 'f64'));
    expect(parse('1e400')).toBe(T.constant(Infinity));
    expect(parse(formatExpr(T.constant(5e-324)))).toBe(T.constant(5e-324));
  });
});

describe('declarations', () => {
  test('declarations, a comment, and the expression in one source', () => {
    const node = parseExpr('x: f32[n]; y: f32[n]\n# the softplus\nlog(1 + exp(x)) * y');
    expect(node).toBe(T.mul(T.log(T.add(1, T.exp(x))), y));
  });
  test('scalars, unknown dims and numpy dtype names', () => {
    const d = parseDecls('s: f64\nu: float32[?, 3]\nw: i64[?k0]');
    expect(d.s).toBe(T.scalar('s', 'f64'));
    expect(d.u.shape).toEqual(['?u0', 3]);
    expect(d.w.shape).toEqual(['?k0']);
  });
  test('formatDecls writes what parseDecls reads', () => {
    const e = T.add(T.sum(T.tensor('u1', 'f32', ['?', 3]), { axis: 1 }), T.scalar('bias', 'f64'));
    expect(formatDecls(e)).toBe('u1: f32[?, 3]\nbias: f64');
    expect(parseExpr(formatExpr(e), { vars: formatDecls(e) })).toBe(e);
    expect(parseExpr(`${formatDecls(e)}\n${formatExpr(e)}`)).toBe(e);
  });
  test('defaultType declares unknown names', () => {
    expect(parseExpr('p * q', { defaultType: 'f64[n]' })).toBe(
      T.mul(T.tensor('p', 'f64', ['n']), T.tensor('q', 'f64', ['n'])),
    );
  });
  test('several outputs', () => {
    const outs = parseExprs('exp(x); log(x)', { vars: VARS });
    expect(outs).toEqual([T.exp(x), T.log(x)]);
    expect(formatExpr(outs)).toBe('exp(x); log(x)');
  });
});

describe('s-expressions', () => {
  test.each([
    ['(log (add 1 (exp x)))', T.log(T.add(1, T.exp(x)))],
    ['(+ x (* 2 y))', T.add(x, T.mul(2, y))],
    ['(+ x y x y)', T.add(T.add(T.add(x, y), x), y)],
    ['(* a b a)', T.mul(T.mul(a, b), a)],
    ['(- x)', T.neg(x)],
    ['(- x y)', T.sub(x, y)],
    ['(/ a (pow b 2))', T.div(a, T.pow(b, 2))],
    ['(ln (sqrt (sin (cos a))))', T.log(T.sqrt(T.sin(T.cos(a))))],
    ['(+ x -1)', T.add(x, -1)],
    ['(sum m :axis 1 :keepdims true)', T.sum(m, { axis: 1, keepdims: true })],
    ['(transpose m :perm [1 0])', T.transpose(m)],
    ['x: f32[n]\n(exp x)', T.exp(x)],
  ] as [string, Node][])('%s', (source, node) => {
    expect(parse(source)).toBe(node);
  });
  test('a parenthesized infix expression is not an s-expression', () => {
    expect(parse('(x)')).toBe(x);
    expect(parse('(-1)')).toBe(T.constant(-1));
    expect(parse('(a -1)')).toBe(T.sub(a, 1));
    expect(parse('(exp(x))')).toBe(T.exp(x));
    expect(parseSource('(exp x)').notation).toBe('sexpr');
  });
});

describe('errors', () => {
  test.each([
    ['exp(x', 'line 1, col 6: expected ")"\n  exp(x\n       ^'],
    ['exp(x))', 'line 1, col 7: expected end of input\n  exp(x))\n        ^'],
    ['x +', 'line 1, col 4: expected a name, a number, or "("\n  x +\n     ^'],
    ['1 2', 'line 1, col 3: expected end of input, ";", or an operator\n  1 2\n    ^'],
    ['(log (add 1 (exp x))', 'line 1, col 21: expected ")"\n  (log (add 1 (exp x))\n                      ^'],
    ['expp(x)', "line 1, col 1: unknown op 'expp' (did you mean 'exp' or 'expm1'?)\n  expp(x)\n  ^^^^"],
    [
      '(lg (exp x))',
      "line 1, col 2: unknown op 'lg' (did you mean 'neg' or 'log' or 'lt'?)\n  (lg (exp x))\n   ^^",
    ],
    [
      'sum(x, axs=1)',
      "line 1, col 8: sum has no attribute 'axs' (did you mean 'axis'?)\n  sum(x, axs=1)\n         ^^^^^",
    ],
    ['exp(x, beta=2)', "line 1, col 8: exp has no attribute 'beta'\n  exp(x, beta=2)\n         ^^^^^^"],
    ['exp(x, y)', 'line 1, col 1: exp takes 1 argument, got 2\n  exp(x, y)\n  ^^^^^^^^^'],
    [
      'sum(x, keepdims=1)',
      "line 1, col 8: sum: attribute 'keepdims' must be true or false, got 1\n  sum(x, keepdims=1)\n         ^^^^^^^^^^",
    ],
    ['exp(z)', "line 1, col 5: undeclared variable 'z'\n  exp(z)\n      ^"],
    ['exp(xx)', "line 1, col 5: undeclared variable 'xx' (did you mean 'x'?)\n  exp(xx)\n      ^^"],
    [
      'x +\n  dot(m, m)',
      'line 2, col 3: dot: shapes [n, 3] and [n, 3] do not align (3 vs n)\n    dot(m, m)\n    ^^^^^^^^^',
    ],
    [
      'w: f33; w',
      "line 1, col 4: unknown dtype 'f33' (expected one of bool, i32, i64, f32, f64)\n  w: f33; w\n     ^^^",
    ],
    ['x: f32; x: f64; x', "line 1, col 9: 'x' is declared twice\n  x: f32; x: f64; x\n          ^^^^^^"],
    [
      'exp(x); log(x)',
      'line 1, col 9: expected one expression (parseExprs reads several)\n  exp(x); log(x)\n          ^^^^^^',
    ],
  ])('%j', (source, message) => {
    expect(errorOf(source, source.includes(': f') ? '' : VARS)).toBe(message);
  });

  test('errors name the file', () => {
    expect(() => parseExpr('exp(', { file: 'cost.expr' })).toThrow(/^cost\.expr:line 1, col 5: expected/);
  });

  test('10,000 levels of nesting give a node or a SourceError, never a RangeError', () => {
    for (const source of [
      `${'('.repeat(10_000)}x${')'.repeat(10_000)}`,
      `${'exp('.repeat(10_000)}x${')'.repeat(10_000)}`,
      `${'-'.repeat(10_000)}x`,
      `x${' ** x'.repeat(10_000)}`,
      `${'(exp '.repeat(10_000)}x${')'.repeat(10_000)}`,
    ]) {
      try {
        expect(parse(source).dtype).toBe('f32');
      } catch (e) {
        expect(e).toBeInstanceOf(SourceError);
        expect((e as Error).message).toMatch(/nested too deeply/);
      }
    }
  });

  test('the printer handles 10,000 levels', () => {
    let e = x;
    for (let i = 0; i < 10_000; i++) e = T.exp(T.sub(1, e));
    expect(formatExpr(e)).toMatch(/^exp\(1 - exp\(1 - exp/);
    expect(parse(`x${' + x'.repeat(10_000)}`).op).toBe('add');
  });
});

test('the logistic-regression cost parses', () => {
  const decls = 'x: f64[n, k]; w: f64[k]; b: f64; y: f64[n]';
  const cost = parseExpr('mean(-y*log(sigmoid(dot(x,w)+b)) - (1-y)*log(1-sigmoid(dot(x,w)+b)))', {
    vars: decls,
  });
  const d = parseDecls(decls);
  const p = T.sigmoid(T.add(T.dot(d.x, d.w), d.b));
  expect(cost).toBe(T.mean(T.sub(T.mul(T.neg(d.y), T.log(p)), T.mul(T.sub(1, d.y), T.log(T.sub(1, p))))));
  expect(cost.shape).toEqual([]);
  expect(formatExpr(cost)).toBe(
    'mean(-y * log(sigmoid(dot(x, w) + b)) - (1 - y) * log(1 - sigmoid(dot(x, w) + b)))',
  );
});

test('every op of the table can be called by name', () => {
  for (const op of OPS.values()) {
    if (op.name === 'input' || op.name === 'constant') continue;
    expect(() => parseSource(`${op.name}(x)`)).not.toThrow();
  }
});
