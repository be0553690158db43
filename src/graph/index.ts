/** The graph layer: op table, graph API, dtypes and shapes, the reference interpreter and grad. */
export { apply, constant, type TensorLike } from './apply.js';
export { DEFAULT_FLOAT, type SliceBounds, T } from './builders.js';
export { castValue, DTYPES, type DType, isFloat, isInteger, parseDType, promote } from './dtype.js';
export {
  AllocationError,
  DTypeError,
  InputError,
  OpError,
  renderSpan,
  SaturnError,
  ShapeError,
  SourceError,
  type SourceSpan,
} from './errors.js';
export { debugprint } from './debugprint.js';
export { toDot, type ToDotOptions } from './dot.js';
export { fitTo, grad } from './grad.js';
export {
  DEFAULT_MAX_ELEMENTS,
  evaluate,
  type EvaluateOptions,
  type InputValue,
  type InputValues,
} from './interpret.js';
export { Node, type ReduceOptions } from './node.js';
export type {
  AttrSpec,
  Attrs,
  AttrType,
  AttrValue,
  ConcreteType,
  OpDef,
  OpKind,
  OpSyntax,
  TypeInfo,
  VjpContext,
} from './op-def.js';
export { getOp, OPS } from './op-table.js';
export { BINARY_NAMES, UNARY_NAMES } from './ops/elementwise.js';
export {
  broadcastShapes,
  type Dim,
  formatShape,
  isUnknownDim,
  type Shape,
  shapesEqual,
  unifyDims,
} from './shape.js';
export { isShared, shared, type SharedValue, sharedValue } from './shared.js';
export { Tensor, TYPED_ARRAY_OF, type TypedArray, type TypedArrayOfDType } from './tensor.js';
export { graphInputs, topoSort } from './topo.js';
export * from './syntax/index.js';
