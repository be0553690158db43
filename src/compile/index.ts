/** `compile()`, the compiled function, its report and its errors. */
export { compile, type CompileOptions, type UpdatePair } from './compile.js';
export {
  CompileError,
  DimMismatchError,
  FunctionUseError,
  InputDTypeError,
  InputShapeError,
  MissingInputError,
  UnknownInputError,
  UnsupportedDTypeError,
  UpdateError,
} from './errors.js';
export { type CompiledGraph, CompiledFunction, type RunOptions } from './function.js';
export {
  type CompiledReport,
  formatKernelSummary,
  type KernelSummary,
  type ProgramReport,
} from './report.js';
