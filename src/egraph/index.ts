export { type Analysis, AnalysisMergeError } from './analysis.js';
export { checkInvariants } from './check.js';
export { ConstantFolding, type ConstantFoldingSpec } from './constant-folding.js';
export { EGraph, type EGraphOptions, type ENode } from './egraph.js';
export { type ExplanationStep, type Justification, ProofForest } from './explain.js';
export { asClassId, asSymbolId, type ClassId, type SymbolId } from './ids.js';
export {
  addIntervals,
  type Interval,
  IntervalAnalysis,
  type IntervalFact,
  type IntervalTransfer,
  isNonZero,
  mulIntervals,
  signOf,
  subIntervals,
  TOP,
} from './interval.js';
export { Language, type SymbolDef, type SymbolResolver } from './language.js';
export { Matches, Program, type SearchBudget } from './machine.js';
export { OpIndex } from './op-index.js';
export { formatPattern, groundTerm, type Pattern, parsePattern, patternVars } from './pattern.js';
export {
  type Applier,
  type BoundApplier,
  ComputeApplier,
  ConditionalApplier,
  type Guard,
  PatternApplier,
  parseRewrite,
  Rewrite,
  Subst,
} from './rewrite.js';
export {
  type Growth,
  type IterationStats,
  type RuleIterationStats,
  Runner,
  type RunOptions,
  type RunReport,
  type StopReason,
} from './run.js';
export { BackoffScheduler, type Scheduler, SimpleScheduler } from './scheduler.js';
export { parseSExp, type SExp } from './sexp.js';
export { formatTerm, parseTerm, type Term, termEquals, termSize } from './term.js';
export { UnionFind } from './union-find.js';
