/**
 * The runtime layer below `compile()`: the Program an optimized graph lowers to, the lowering with its
 * fusion pass and memory plan, the executor interface, and the portable JavaScript executor.
 */
export type {
  BufferDecl,
  BufferId,
  BufferRole,
  ConcatKernel,
  CopyKernel,
  ElementwiseKernel,
  Kernel,
  MatmulKernel,
  MemoryPlan,
  Program,
  ReduceKernel,
  ScalarExpr,
  SoftmaxKernel,
  Update,
  View,
} from './program.js';
export type {
  DeviceName,
  Executor,
  ExecutorCapabilities,
  KernelTiming,
  PreparedProgram,
  PrepareOptions,
} from './executor.js';
export { lower, type LowerRequest } from './lower.js';
export { LoweringError } from './lowering-error.js';
export { type FusionOptions, type FusionPlan, type MaterializeReason, planFusion } from './fusion.js';
export {
  liveness,
  type Liveness,
  type MemoryPlanOptions,
  planMemory,
  type ProgramDraft,
} from './memory-plan.js';
export { formatBytes, formatProgram, formatScalar } from './format.js';
export { JsExecutor, jsExecutor } from './js/index.js';
