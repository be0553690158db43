/** Shape and dtype inference of every op at graph construction, and the errors that name the op. */
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { promote } from '../../src/graph/dtype.js';
import { DTypeError, OpError, ShapeError } from '../../src/graph/errors.js';
import type { Node } from '../../src/graph/node.js';

const t = (name: string, shape: (number | string)[], dtype = 'f64') => T.tensor(name, dtype, shape);
const a23 = t('a', [2, 3]);
const v3 = t('v', [3]);

/** start ⇒ [shape, dtype]. */
const INFER: [string, () => Node, (number | string)[], string][] = [
  ['broadcast [2,3] + [3]', () => T.add(a23, v3), [2, 3], 'f64'],
  ['broadcast [n,1] + [3]', () => T.add(t('n1', ['n', 1]), v3), ['n', 3], 'f64'],
  ['broadcast [4,1,3] * [2,1]', () => T.mul(t('b', [4, 1, 3]), t('c', [2, 1])), [4, 2, 3], 'f64'],
  ['unknown dim meets 3', () => T.add(T.vector('u', 'f64'), v3), [3], 'f64'],
  ['unknown dims meet n', () => T.add(T.matrix('m', 'f64'), t('nn', ['n', 'n'])), ['n', 'n'], 'f64'],
  ['scalar + matrix', () => T.add(T.scalar('s', 'f64'), a23), [2, 3], 'f64'],
  ['sum all', () => T.sum(a23), [], 'f64'],
  ['sum axis -1', () => T.sum(a23, { axis: -1 }), [2], 'f64'],
  [
    'sum axes [0,-1] keepdims',
    () => T.sum(t('b3', [4, 5, 6]), { axis: [0, -1], keepdims: true }),
    [1, 5, 1],
    'f64',
  ],
  ['sum axes repeated', () => T.sum(t('b3', [4, 5, 6]), { axis: [2, -1] }), [4, 5], 'f64'],
  ['sum of bool is i64', () => T.sum(t('bb', [3], 'bool')), [], 'i64'],
  ['sum of i32 is i64', () => T.sum(t('ii', [3], 'i32')), [], 'i64'],
  ['mean of i32 is f64', () => T.mean(t('ii', [3], 'i32')), [], 'f64'],
  ['max keeps dtype', () => T.max(t('ii', [3], 'i32')), [], 'i32'],
  ['all is bool', () => T.all(a23, { axis: 0 }), [3], 'bool'],
  ['logsumexp of f32', () => T.logsumexp(t('f', [2, 3], 'f32'), { axis: 1, keepdims: true }), [2, 1], 'f32'],
  ['softmax of i32 is f64', () => T.softmax(t('ii', [3], 'i32')), [3], 'f64'],
  ['log_softmax axis 0', () => T.log_softmax(a23, 0), [2, 3], 'f64'],
  ['dot vv', () => T.dot(v3, v3), [], 'f64'],
  ['dot mv', () => T.dot(a23, v3), [2], 'f64'],
  ['dot vm', () => T.dot(t('v2', [2]), a23), [3], 'f64'],
  ['dot mm', () => T.dot(a23, t('b32', [3, 4])), [2, 4], 'f64'],
  ['dot symbolic', () => T.dot(t('xn', ['n', 'k']), t('wk', ['k', 2])), ['n', 2], 'f64'],
  ['dot unknown inner', () => T.dot(T.matrix('m', 'f64'), v3), ['?m0'], 'f64'],
  ['dot i32·f32 is f64', () => T.dot(t('ii', [3], 'i32'), t('ff', [3], 'f32')), [], 'f64'],
  ['gemm', () => T.gemm(t('z', [2, 4]), 2, a23, t('b32', [3, 4]), 1), [2, 4], 'f64'],
  ['gemm broadcast z', () => T.gemm(t('z1', [4]), 2, a23, t('b32', [3, 4]), 1), [2, 4], 'f64'],
  ['reshape', () => T.reshape(a23, [3, 2]), [3, 2], 'f64'],
  ['reshape -1', () => T.reshape(a23, [-1, 2]), [3, 2], 'f64'],
  ['reshape -1 keeps a name', () => T.reshape(t('n3', ['n', 3]), [3, -1]), [3, 'n'], 'f64'],
  ['reshape symbolic reorder', () => T.reshape(t('n3', ['n', 3]), [3, 'n']), [3, 'n'], 'f64'],
  ['reshape flattens a name', () => T.reshape(t('n3', ['n', 3]), [-1]), ['?(n*3)/(1)'], 'f64'],
  ['reshape unknown', () => T.reshape(T.matrix('m', 'f64'), [-1]), ['?(?m0*?m1)/(1)'], 'f64'],
  ['transpose default', () => T.transpose(t('b3', [4, 5, 6])), [6, 5, 4], 'f64'],
  ['transpose perm', () => T.transpose(t('b3', [4, 5, 6]), [1, 2, 0]), [5, 6, 4], 'f64'],
  ['.T', () => a23.T, [3, 2], 'f64'],
  ['expand_dims 0', () => T.expand_dims(a23, 0), [1, 2, 3], 'f64'],
  ['expand_dims -1', () => T.expand_dims(a23, -1), [2, 3, 1], 'f64'],
  ['squeeze all', () => T.squeeze(t('s1', [1, 3, 1])), [3], 'f64'],
  ['squeeze axis', () => T.squeeze(t('s1', [1, 3, 1]), -1), [1, 3], 'f64'],
  ['broadcast_to', () => T.broadcast_to(t('c1', [3, 1]), [2, 3, 4]), [2, 3, 4], 'f64'],
  ['concat axis 0', () => T.concat([a23, t('b13', [1, 3])]), [3, 3], 'f64'],
  ['concat axis -1 promotes', () => T.concat([a23, t('i21', [2, 1], 'i32')], -1), [2, 4], 'f64'],
  ['concat symbolic other axis', () => T.concat([t('n3', ['n', 3]), t('n2', ['n', 2])], 1), ['n', 5], 'f64'],
  ['slice x[1:]', () => T.slice(t('v6', [6]), { begin: [1] }), [5], 'f64'],
  ['slice x[::2]', () => T.slice(t('v6', [6]), { step: [2] }), [3], 'f64'],
  ['slice x[-2:]', () => T.slice(t('v6', [6]), { begin: [-2] }), [2], 'f64'],
  ['slice x[::-1]', () => T.slice(t('v6', [6]), { step: [-1] }), [6], 'f64'],
  ['slice x[4:1:-2]', () => T.slice(t('v6', [6]), { begin: [4], end: [1], step: [-2] }), [2], 'f64'],
  ['slice x[10:20]', () => T.slice(t('v6', [6]), { begin: [10], end: [20] }), [0], 'f64'],
  ['slice x[:, 1:3]', () => T.slice(a23, { begin: [0, 1], end: [null, 3] }), [2, 2], 'f64'],
  ['slice symbolic [0:2]', () => T.slice(t('vn', ['n']), { begin: [0], end: [2] }), [2], 'f64'],
  ['slice symbolic whole', () => T.slice(t('vn', ['n']), {}), ['n'], 'f64'],
  [
    'slice_update',
    () => T.slice_update(a23, t('u', [2, 1]), { begin: [0, 1], end: [null, 2] }),
    [2, 3],
    'f64',
  ],
  ['slice_update broadcasts v', () => T.slice_update(a23, 7, { begin: [1] }), [2, 3], 'f64'],
  ['cast', () => T.cast(a23, 'i32'), [2, 3], 'i32'],
  ['switch', () => T.switch(t('cb', [2, 1], 'bool'), a23, 0), [2, 3], 'f64'],
  [
    'switch promotes branches',
    () => T.switch(t('cb', [3], 'bool'), t('ii', [3], 'i32'), t('ff', [3], 'f32')),
    [3],
    'f64',
  ],
  ['comparison is bool', () => T.lt(a23, v3), [2, 3], 'bool'],
  ['div of ints is f64', () => T.div(t('ii', [3], 'i32'), 2), [3], 'f64'],
  ['int_div keeps i32', () => T.int_div(t('ii', [3], 'i32'), 2), [3], 'i32'],
  ['exp of i32 is f64', () => T.exp(t('ii', [3], 'i32')), [3], 'f64'],
  ['exp of f32 is f32', () => T.exp(t('ff', [3], 'f32')), [3], 'f32'],
  ['neg of i32 is i32', () => T.neg(t('ii', [3], 'i32')), [3], 'i32'],
  ['not is bool', () => T.not(a23), [2, 3], 'bool'],
  ['zeros', () => T.zeros([2, 'n'], 'i32'), [2, 'n'], 'i32'],
  ['ones default f32', () => T.ones([3]), [3], 'f32'],
  ['fill like', () => T.fill(t('ii', [3], 'i32'), 5), [3], 'i32'],
  ['zeros_like', () => T.zeros_like(a23), [2, 3], 'f64'],
  ['matrix dims are unknown', () => T.matrix('x'), ['?x0', '?x1'], 'f32'],
  ['tensor ? dims', () => T.tensor('q', 'f64', ['?', 3, '?']), ['?q0', 3, '?q2'], 'f64'],
];

describe('shape and dtype inference', () => {
  it.each(INFER)('%s', (_name, build, shape, dtype) => {
    const node = build();
    expect(node.shape).toEqual(shape);
    expect(node.dtype).toBe(dtype);
  });
});

describe('dtype promotion (numpy-like)', () => {
  it.each([
    ['i32', 'f32', 'f64'],
    ['bool', 'i32', 'i32'],
    ['bool', 'f32', 'f32'],
    ['i32', 'i64', 'i64'],
    ['f32', 'f64', 'f64'],
    ['i64', 'f32', 'f64'],
    ['bool', 'bool', 'bool'],
  ] as const)('%s + %s → %s', (a, b, out) => {
    expect(promote(a, b)).toBe(out);
    expect(promote(b, a)).toBe(out);
    expect(T.add(T.scalar('p', a), T.scalar('q', b)).dtype).toBe(out);
  });

  it.each([
    ['f32 * 2 stays f32', () => T.vector('x', 'f32').mul(2), 'f32'],
    ['f32 * 0.5 stays f32', () => T.vector('x', 'f32').mul(0.5), 'f32'],
    ['2 - f32 stays f32', () => T.sub(2, T.vector('x', 'f32')), 'f32'],
    ['i32 + 1 stays i32', () => T.vector('k', 'i32').add(1), 'i32'],
    ['i32 + 0.5 is f64', () => T.vector('k', 'i32').add(0.5), 'f64'],
    ['bool + 1 is i64', () => T.vector('b', 'bool').add(1), 'i64'],
    ['1 + 2 is i64', () => T.add(1, 2), 'i64'],
    ['1.5 + 2 is f64', () => T.add(1.5, 2), 'f64'],
    ['switch(c, f32, 0) is f32', () => T.switch(T.vector('c', 'bool'), T.vector('x', 'f32'), 0), 'f32'],
  ] as const)('weak constants: %s', (_name, build, dtype) => {
    expect(build().dtype).toBe(dtype);
  });
});

/** start ⇒ error class and exact message. */
const ERRORS: [string, () => unknown, new (...a: never[]) => Error, string][] = [
  [
    'broadcast mismatch',
    () => T.add(a23, t('v4', [4])),
    ShapeError,
    'add: cannot broadcast shapes [2, 3] and [4] (dimension 3 vs 4)',
  ],
  [
    'broadcast symbolic vs number',
    () => T.mul(t('vn', ['n']), v3),
    ShapeError,
    'mul: cannot broadcast shapes [n] and [3] (dimension n vs 3)',
  ],
  [
    'broadcast two names',
    () => T.sub(t('vn', ['n']), t('vm', ['m'])),
    ShapeError,
    'sub: cannot broadcast shapes [n] and [m] (dimension n vs m)',
  ],
  [
    'switch broadcast',
    () => T.switch(t('cb', [2], 'bool'), a23, 0),
    ShapeError,
    'switch: cannot broadcast shapes [2] and [2, 3] and [] (dimension 2 vs 3)',
  ],
  [
    'axis out of range',
    () => T.sum(a23, { axis: 2 }),
    ShapeError,
    'sum: axis 2 is out of range for a tensor of rank 2',
  ],
  [
    'negative axis out of range',
    () => T.max(a23, { axis: [0, -3] }),
    ShapeError,
    'max: axis -3 is out of range for a tensor of rank 2',
  ],
  [
    'axis not an int',
    () => T.sum(a23, { axis: 0.5 }),
    OpError,
    "sum: attribute 'axis' must be an axis or a list of axes, got 0.5",
  ],
  [
    'softmax of a scalar',
    () => T.softmax(T.scalar('s', 'f64')),
    ShapeError,
    'softmax: needs a tensor of rank 1 or more, got a scalar',
  ],
  [
    'softmax axis',
    () => T.softmax(a23, 2),
    ShapeError,
    'softmax: axis 2 is out of range for a tensor of rank 2',
  ],
  [
    'logsumexp of bool',
    () => T.logsumexp(t('bb', [3], 'bool')),
    DTypeError,
    'logsumexp: needs a numeric tensor, got bool',
  ],
  [
    'dot misaligned',
    () => T.dot(a23, t('v4', [4])),
    ShapeError,
    'dot: shapes [2, 3] and [4] do not align (3 vs 4)',
  ],
  [
    'dot mm misaligned',
    () => T.dot(a23, a23),
    ShapeError,
    'dot: shapes [2, 3] and [2, 3] do not align (3 vs 2)',
  ],
  [
    'dot names misaligned',
    () => T.dot(t('xn', ['n', 'k']), t('wj', ['j', 2])),
    ShapeError,
    'dot: shapes [n, k] and [j, 2] do not align (k vs j)',
  ],
  [
    'dot of a scalar',
    () => T.dot(T.scalar('s', 'f64'), v3),
    ShapeError,
    'dot: supports vectors and matrices, got shapes [] and [3] (use mul for scalars)',
  ],
  [
    'dot rank 3',
    () => T.dot(t('b3', [4, 5, 6]), t('v6', [6])),
    ShapeError,
    'dot: supports vectors and matrices, got shapes [4, 5, 6] and [6] (use mul for scalars)',
  ],
  ['dot of bools', () => T.dot(t('bb', [3], 'bool'), v3), DTypeError, 'dot: needs numeric tensors, got bool'],
  [
    'gemm a not scalar',
    () => T.gemm(t('z', [2, 4]), v3, a23, t('b32', [3, 4]), 1),
    ShapeError,
    "gemm: 'a' must be a scalar, got shape [3]",
  ],
  [
    'gemm z too big',
    () => T.gemm(t('z3', [5, 2, 4]), 1, a23, t('b32', [3, 4]), 1),
    ShapeError,
    'gemm: z of shape [5, 2, 4] does not fit dot(x, y) of shape [2, 4]',
  ],
  [
    'gemm misaligned',
    () => T.gemm(t('z', [2, 4]), 1, a23, t('b42', [4, 2]), 1),
    ShapeError,
    'gemm: shapes [2, 3] and [4, 2] do not align (3 vs 4)',
  ],
  [
    'reshape sizes',
    () => T.reshape(a23, [4, 2]),
    ShapeError,
    'reshape: cannot reshape [2, 3] into [4, 2] (sizes differ)',
  ],
  [
    'reshape two -1',
    () => T.reshape(a23, [-1, -1]),
    ShapeError,
    'reshape: at most one -1 is allowed in [-1, -1]',
  ],
  [
    'reshape -1 not whole',
    () => T.reshape(a23, [4, -1]),
    ShapeError,
    'reshape: cannot infer -1 of [4, -1] from [2, 3]',
  ],
  [
    'reshape foreign name',
    () => T.reshape(t('n3', ['n', 3]), ['m', -1]),
    ShapeError,
    'reshape: cannot infer -1 of [m, -1] from [n, 3]',
  ],
  [
    'reshape symbolic sizes',
    () => T.reshape(t('n3', ['n', 3]), ['n', 2]),
    ShapeError,
    'reshape: cannot reshape [n, 3] into [n, 2] (sizes differ)',
  ],
  [
    'reshape bad dim',
    () => T.reshape(a23, [-2, 3]),
    ShapeError,
    "reshape: attribute 'shape': dimension -2 must be a non-negative integer below 2^53, a name, or an unknown '?…'",
  ],
  [
    'transpose perm',
    () => T.transpose(a23, [0, 0]),
    ShapeError,
    'transpose: perm [0,0] is not a permutation of the 2 axes of [2, 3]',
  ],
  [
    'transpose perm rank',
    () => T.transpose(a23, [0, 1, 2]),
    ShapeError,
    'transpose: perm [0,1,2] is not a permutation of the 2 axes of [2, 3]',
  ],
  ['squeeze non-1', () => T.squeeze(a23, 0), ShapeError, 'squeeze: axis 0 of [2, 3] has size 2, not 1'],
  [
    'squeeze out of range',
    () => T.squeeze(a23, 5),
    ShapeError,
    'squeeze: axis 5 is out of range for a tensor of rank 2',
  ],
  [
    'expand_dims out of range',
    () => T.expand_dims(a23, 4),
    ShapeError,
    'expand_dims: axis 4 is out of range for a tensor of rank 3',
  ],
  [
    'broadcast_to smaller',
    () => T.broadcast_to(a23, [3]),
    ShapeError,
    'broadcast_to: cannot broadcast [2, 3] to [3]',
  ],
  [
    'broadcast_to mismatch',
    () => T.broadcast_to(a23, [2, 4]),
    ShapeError,
    'broadcast_to: cannot broadcast shapes [2, 3] and [2, 4] (dimension 3 vs 4)',
  ],
  [
    'concat mismatch',
    () => T.concat([a23, t('b24', [2, 4])]),
    ShapeError,
    'concat: argument 2 has shape [2, 4], which does not fit [2, 3] along axis 0',
  ],
  [
    'concat rank',
    () => T.concat([a23, v3]),
    ShapeError,
    'concat: argument 2 has shape [3], which does not fit [2, 3] along axis 0',
  ],
  [
    'concat scalars',
    () => T.concat([T.scalar('s', 'f64')]),
    ShapeError,
    'concat: cannot join scalars (expand_dims them first)',
  ],
  [
    'concat symbolic axis',
    () => T.concat([t('vn', ['n']), v3]),
    ShapeError,
    "concat: cannot join along symbolic dimension 'n' (axis 0); the result size would be symbolic",
  ],
  ['slice step 0', () => T.slice(v3, { step: [0] }), ShapeError, 'slice: step of axis 0 is 0'],
  [
    'slice too many bounds',
    () => T.slice(v3, { begin: [0, 0] }),
    ShapeError,
    'slice: more bounds than the 1 axes of [3]',
  ],
  [
    'slice symbolic negative',
    () => T.slice(t('vn', ['n']), { begin: [-1] }),
    ShapeError,
    "slice: axis 0 has symbolic size 'n': only non-negative bounds and positive steps are allowed",
  ],
  [
    'slice symbolic open end',
    () => T.slice(t('vn', ['n']), { begin: [1] }),
    ShapeError,
    "slice: axis 0 has symbolic size 'n': give an explicit end to slice from 1 by 1",
  ],
  [
    'slice_update does not fit',
    () => T.slice_update(a23, v3, { begin: [0, 1] }),
    ShapeError,
    'slice_update: cannot broadcast shapes [3] and [2, 2] (dimension 3 vs 2)',
  ],
  [
    'slice_update too big',
    () => T.slice_update(a23, t('b123', [1, 2, 3]), {}),
    ShapeError,
    'slice_update: value of shape [1, 2, 3] does not fit the slice [2, 3]',
  ],
  [
    'cast dtype',
    () => T.cast(a23, 'f16' as never),
    OpError,
    'cast: attribute \'dtype\' must be a dtype (f32, f64, i32, i64, bool), got "f16"',
  ],
  [
    'unknown op',
    () => T.apply('exq', [a23]),
    OpError,
    "unknown op 'exq' (did you mean 'exp' or 'erf' or 'eq'?)",
  ],
  ['arity', () => T.apply('add', [a23]), OpError, 'add takes 2 arguments, got 1'],
  [
    'unknown attribute',
    () => T.apply('sum', [a23], { axes: 0 }),
    OpError,
    "sum has no attribute 'axes' (attributes: axis, keepdims)",
  ],
  ['missing attribute', () => T.apply('cast', [a23]), OpError, "cast: attribute 'dtype' is required"],
  ['input name', () => T.vector('1x'), OpError, "input name '1x' must be an identifier"],
  [
    'unknown dtype',
    () => T.vector('x', 'float16'),
    DTypeError,
    "unknown dtype 'float16' (expected one of bool, i32, i64, f32, f64)",
  ],
];

describe('construction errors name the op and the shapes', () => {
  it.each(ERRORS)('%s', (_name, build, cls, message) => {
    expect(build).toThrow(cls);
    expect(build).toThrow(message);
    try {
      build();
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });
});
