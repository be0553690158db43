/**
 * Saturn: symbolic tensor expressions, optimized by equality saturation.
 *
 * @example
 * import { T, grad, evaluate, optimize, defaultLibrary, formatExpr } from 'saturn';
 * const x = T.vector('x', 'f64');
 * const y = T.sum(T.mul(x, x));
 * evaluate(grad(y, [x])[0], { x: [1, 2] }).toArray(); // [2, 4]
 * formatExpr(optimize([T.log(T.add(1, T.exp(x)))]).outputs[0]); // 'softplus(x)'
 */

export * from './compile/index.js';
export { foldConstants } from './graph/fold.js';
export { logisticRegression, type ModelGraph, mlp } from './models.js';
export * from './graph/index.js';
export { Profile, type ProfileJson, type ProfileRow } from './graph/profile.js';
export { DeviceError, type DeviceRequest } from './runtime/devices.js';
export type { DeviceName } from './runtime/executor.js';
export {
  formatMemory,
  type KernelProfileRow,
  RuntimeProfile,
  type RuntimeProfileJson,
} from './runtime/profiler.js';
export {
  type CostModel,
  countOps,
  graphCost,
  type Mode,
  nodeCostFor,
  type OptimizeOptions,
  type OptimizeReport,
  type OptimizeResult,
  optimize,
  type PhaseReport,
} from './optimize.js';
export { formatReport, formatStopReason } from './report.js';
export { type DotOptions, egraphToDot } from './rules/dot.js';
export type { CheckSpec, ModeSpec, PhaseLimits, PhaseSpec, RuleLibrary } from './rules/library.js';
export {
  defaultLibrary,
  type LoadResult,
  loadLibrary,
  type RuleSource,
  readRuleDir,
  SHIPPED_RULES_DIR,
} from './rules/load.js';
